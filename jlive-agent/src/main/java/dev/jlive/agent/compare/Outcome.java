package dev.jlive.agent.compare;

/**
 * How a call ended: the value it returned, or what it threw. Compared by {@link OutcomeComparison}.
 *
 * @param value what the call returned (null for void or a null result); null when it threw
 * @param thrown what it threw; null when it returned
 */
public record Outcome(Object value, Throwable thrown) {
  public static Outcome returned(Object value) {
    return new Outcome(value, null);
  }

  public static Outcome threw(Throwable thrown) {
    return new Outcome(null, thrown);
  }

  public boolean threw() {
    return thrown != null;
  }
}

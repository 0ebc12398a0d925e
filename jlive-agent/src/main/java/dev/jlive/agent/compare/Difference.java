package dev.jlive.agent.compare;

/**
 * One place where two outcomes differ.
 *
 * @param path where in the value, from the outcome down: {@code ""} for the value itself, {@code
 *     ".lines[2].price"} for a field of an element
 * @param expected the first outcome's part, rendered briefly
 * @param actual the second's
 */
public record Difference(String path, String expected, String actual) {
  public String describe() {
    return (path.isEmpty() ? "value" : path) + ": " + expected + " vs " + actual;
  }
}

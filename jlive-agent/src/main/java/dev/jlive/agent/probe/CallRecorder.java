package dev.jlive.agent.probe;

/**
 * Where a recording probe hands the calls it keeps (see record.RecordEngine): the probe has decided
 * sampling, the condition and the rate limit, and its CPU budget charges what this does. Called on
 * the application's thread; the dispatcher catches what it throws.
 */
public interface CallRecorder {
  /**
   * One whole call, at its end.
   *
   * @param self the receiver, null for a static method
   * @param returned the return value, boxed; null for void or when it threw
   * @param thrown what the call threw, or null
   */
  void record(Object self, Object[] args, Object returned, Throwable thrown);
}

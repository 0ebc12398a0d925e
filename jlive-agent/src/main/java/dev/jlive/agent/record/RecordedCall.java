package dev.jlive.agent.record;

/**
 * One recorded call as the record file holds it.
 *
 * @param cut why the call's values were not kept (too deep, too large, not copyable), or null when
 *     {@code graph} holds them
 * @param arguments the arguments rendered briefly when the call was recorded, for the reports
 * @param outcome what the call returned or threw, rendered briefly
 * @param thrownType the class of what the call threw, or null when it returned
 * @param thrownMessage its message, or null
 * @param graph the Kryo bytes of {@code [receiver, arguments, returned]}; empty when cut
 */
record RecordedCall(
    String cut,
    String arguments,
    String outcome,
    String thrownType,
    String thrownMessage,
    byte[] graph) {

  boolean threw() {
    return thrownType != null;
  }
}

package dev.jlive.agent.record;

import dev.jlive.agent.probe.ValueRenderer;

/**
 * One recorded call as the record file holds it.
 *
 * @param cut why the call's values were not kept (too deep, too large, not copyable), or null when
 *     {@code graph} holds them
 * @param arguments for a cut call, its arguments rendered briefly when it was recorded, for the
 *     reports; empty for a kept call, whose renderings the replay makes from {@code graph}
 * @param thrownType the class of what the call threw, or null when it returned
 * @param thrownMessage its message, or null
 * @param graph the Kryo bytes of {@code [receiver, arguments, returned]}; empty when cut
 */
record RecordedCall(
    String cut, String arguments, String thrownType, String thrownMessage, byte[] graph) {

  boolean threw() {
    return thrownType != null;
  }

  /** The recorded outcome, briefly: {@code returned} is the value read from {@code graph}. */
  String outcome(Object returned) {
    return threw()
        ? "threw " + thrownType + ": " + thrownMessage
        : "returned " + ValueRenderer.text(returned);
  }
}

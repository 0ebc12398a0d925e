package dev.jlive.agent.fleet;

import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.fleet.ClassAnswer;
import dev.jlive.protocol.fleet.ClassQuestion;
import java.util.List;
import java.util.Map;

/**
 * What the fleet link changes and reads in this JVM: the same engines a local request reaches. An
 * interface so that the reconciling logic can be tested without a JVM to change.
 */
interface FleetTarget {
  /**
   * Applies a change as a local {@code POST /v1/probes}, {@code POST /v1/patches} or {@code POST
   * /v1/shadows} with {@code spec} as its body would.
   *
   * @return the local id (the ledger's)
   * @throws JLiveException when the engine refuses it
   */
  String apply(ChangeKind kind, Map<String, Object> spec, String author);

  /**
   * Takes a local change back through the ledger (probe removed, patch reverted at its safe point).
   */
  void revert(String localId, String why);

  /**
   * Null while the local change is live; else why it is not (removed or disabled here, e.g. by its
   * budget).
   */
  String notLive(String localId);

  /**
   * The probe's entry of {@code GET /v1/metrics}, or null when there is none (a patch, a removed
   * probe).
   */
  Map<String, Object> metrics(String localId);

  /**
   * The shadow's report ({@code GET /v1/shadows?id=}), or null when the local change is no shadow.
   */
  default Map<String, Object> shadowReport(String localId) {
    return null;
  }

  /**
   * What this JVM's own {@code GET /v1/classes} and {@code GET /v1/methods} answer to the question
   * (an error answer where they would refuse); an empty answer where it asks nothing.
   */
  default ClassAnswer answer(String process, ClassQuestion question) {
    return new ClassAnswer(process, question.id(), Map.of(), Map.of());
  }

  /** The next sequence number the event log will hand out. */
  long nextEventSequence();

  /**
   * Probe events after {@code after}, oldest first, at most {@code limit}; {@code last} is the
   * cursor for next time.
   */
  Events events(long after, int limit);

  record Events(List<Map<String, Object>> events, long last) {}
}

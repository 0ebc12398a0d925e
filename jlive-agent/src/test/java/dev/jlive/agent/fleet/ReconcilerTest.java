package dev.jlive.agent.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

@SuppressWarnings("unchecked")
class ReconcilerTest {
  private final FakeTarget target = new FakeTarget();
  private final Reconciler reconciler = new Reconciler(target, NoLog.INSTANCE);
  private final List<String> waiting = new ArrayList<>();

  @Test
  void appliesWhatIsDesiredOnceAndReportsTheLocalId() {
    reconcile(1, change("c1", "probe", "alice"), change("c2", "patch", "bob"));
    reconcile(2, change("c1", "probe", "alice"), change("c2", "patch", "bob"));

    assertThat(target.calls).containsExactly("apply probe c1 by alice via controller", "apply patch c2 by bob via controller");
    assertThat(waiting).containsExactly("c2");
    assertThat(reconciler.report()).isEqualTo(Map.of(
        "c1", Map.of("state", "applied", "localId", "p1"),
        "c2", Map.of("state", "applied", "localId", "x2")));
    assertThat(reconciler.fleetIdsByLocalId()).isEqualTo(Map.of("p1", "c1", "x2", "c2"));
  }

  @Test
  void revertsWhatLeftTheListNewestFirstAndReportsItUntilASyncCarriedIt() {
    reconcile(1, change("c1", "patch", "a"), change("c2", "patch", "a"), change("c3", "probe", "a"));
    target.calls.clear();
    reconcile(2, change("c3", "probe", "a"));

    assertThat(target.calls).containsExactly("revert x2", "revert x1");
    Map<String, Object> report = reconciler.report();
    assertThat(report).containsEntry("c1", Map.of("state", "reverted", "localId", "x1"))
        .containsEntry("c2", Map.of("state", "reverted", "localId", "x2"))
        .containsEntry("c3", Map.of("state", "applied", "localId", "p3"));
    // Events of a just-reverted probe still carry its change until the next sync.
    assertThat(reconciler.fleetIdsByLocalId()).containsEntry("x1", "c1");
    reconciler.reported(report);
    assertThat(reconciler.report()).isEqualTo(Map.of("c3", Map.of("state", "applied", "localId", "p3")));
    assertThat(reconciler.fleetIdsByLocalId()).containsEntry("x1", "c1");
    reconciler.eventsSent();
    assertThat(reconciler.fleetIdsByLocalId()).isEqualTo(Map.of("p3", "c3"));
  }

  @Test
  void aFailedChangeIsRetriedOnlyForANewVersionOrANewRegistration() {
    target.refuse.add("c1");
    reconcile(1, change("c1", "probe", "a"));
    reconcile(1, change("c1", "probe", "a"));
    assertThat(target.calls).containsExactly("apply probe c1 by a via controller");
    assertThat((Map<String, Object>) reconciler.report().get("c1"))
        .containsEntry("state", "failed")
        .containsEntry("message", "no class matches com.acme.Nope#run (hint: check the name with `jlive classes`)");

    reconcile(2, change("c1", "probe", "a"));
    assertThat(target.calls).hasSize(2);

    reconciler.forgetFailures();
    target.refuse.clear();
    reconcile(2, change("c1", "probe", "a"));
    assertThat(target.calls).hasSize(3);
    assertThat(reconciler.report()).isEqualTo(Map.of("c1", Map.of("state", "applied", "localId", "p1")));
  }

  @Test
  void aFailedChangeThatLeavesTheListIsForgotten() {
    target.refuse.add("c1");
    reconcile(1, change("c1", "probe", "a"));
    reconcile(2);
    assertThat(reconciler.report()).isEmpty();
  }

  @Test
  void aRevertThatFailsKeepsTheChangeAndSaysWhy() {
    reconcile(1, change("c1", "patch", "a"));
    target.refuseRevert = true;
    reconcile(2);
    assertThat((Map<String, Object>) reconciler.report().get("c1")).containsEntry("state", "failed")
        .containsEntry("localId", "x1").extractingByKey("message").asString().startsWith("could not revert: ");
    assertThat(reconciler.appliedCount()).isEqualTo(1);

    target.refuseRevert = false;
    reconcile(3);
    assertThat(reconciler.report()).isEqualTo(Map.of("c1", Map.of("state", "reverted", "localId", "x1")));
    assertThat(reconciler.appliedCount()).isZero();
  }

  @Test
  void aChangeRemovedHereIsReportedFailedAndItsRevertSucceeds() {
    reconcile(1, change("c1", "probe", "a"));
    target.gone.add("p1");
    assertThat((Map<String, Object>) reconciler.report().get("c1")).containsEntry("state", "failed")
        .containsEntry("message", "probe p1 is removed: removed by carol");

    target.refuseRevert = true;
    reconcile(2);
    assertThat(reconciler.report()).isEqualTo(Map.of("c1", Map.of("state", "reverted", "localId", "p1")));
  }

  @Test
  void anUnknownKindOrAMissingSpecFails() {
    Map<String, Object> noSpec = new LinkedHashMap<>(change("c2", "probe", "a"));
    noSpec.remove("spec");
    reconcile(1, change("c1", "agent-upgrade", "a"), noSpec);
    assertThat((Map<String, Object>) reconciler.report().get("c1")).containsEntry("state", "failed");
    assertThat(((Map<String, Object>) reconciler.report().get("c2")).get("message").toString()).contains("has no spec object");
  }

  @Test
  void metricsAreThoseOfTheAppliedProbes() {
    reconcile(1, change("c1", "probe", "a"), change("c2", "patch", "a"));
    assertThat(reconciler.metrics()).isEqualTo(Map.of("c1", Map.of("id", "p1", "calls", 7L)));
  }

  @Test
  void nothingIsAppliedOnceStopping() {
    reconciler.reconcile(List.of(change("c1", "probe", "a")), 1, waiting::add, () -> false);
    assertThat(target.calls).isEmpty();
  }

  private void reconcile(long version, Map<String, Object>... changes) {
    reconciler.reconcile(List.of(changes), version, waiting::add, () -> true);
  }

  private static Map<String, Object> change(String id, String kind, String author) {
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("id", id);
    change.put("kind", kind);
    change.put("spec", Map.of("selector", "com.acme.Nope#run", "fleetId", id));
    change.put("author", author);
    change.put("createdAt", "2026-01-01T00:00:00Z");
    return change;
  }

  /** Local ids: p for probes, x for patches, numbered across both, as the agent's engines do each. */
  private static final class FakeTarget implements FleetTarget {
    final List<String> calls = new ArrayList<>();
    final Set<String> refuse = new HashSet<>();
    final Set<String> gone = new HashSet<>();
    final Map<String, String> kinds = new HashMap<>();
    boolean refuseRevert;
    int next;

    @Override
    public String apply(String kind, Map<String, Object> spec, String author) {
      String fleetId = (String) spec.get("fleetId");
      calls.add("apply " + kind + " " + fleetId + " by " + author);
      if (refuse.contains(fleetId)) {
        throw new JLiveException(ErrorCode.CLASS_NOT_FOUND, "no class matches com.acme.Nope#run", "check the name with `jlive classes`");
      }
      if (!kind.equals("probe") && !kind.equals("patch")) {
        throw new JLiveException(ErrorCode.BAD_REQUEST, "unknown change kind '" + kind + "'", "");
      }
      String id = (kind.equals("probe") ? "p" : "x") + ++next;
      kinds.put(id, kind);
      return id;
    }

    @Override
    public void revert(String localId, String why) {
      calls.add("revert " + localId);
      if (refuseRevert) {
        throw new JLiveException(ErrorCode.CONFLICT, "no safe point", "try again");
      }
    }

    @Override
    public String notLive(String localId) {
      return gone.contains(localId) ? kinds.get(localId) + " " + localId + " is removed: removed by carol" : null;
    }

    @Override
    public Map<String, Object> metrics(String localId) {
      return kinds.get(localId).equals("probe") ? Map.of("id", localId, "calls", 7L) : null;
    }

    @Override
    public long nextEventSequence() {
      return 1;
    }

    @Override
    public Events events(long after, int limit) {
      return new Events(List.of(), after);
    }
  }
}

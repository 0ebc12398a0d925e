package dev.jlive.agent.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.DesiredChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
  private final FakeTarget target = new FakeTarget();
  private long nanos;
  private final Reconciler reconciler =
      new Reconciler(target, ChangeVerifier.none(), NoLog.INSTANCE, () -> nanos);
  private final List<String> waiting = new ArrayList<>();

  @Test
  void appliesWhatIsDesiredOnceAndReportsTheLocalId() {
    reconcile(1, change("c1", ChangeKind.PROBE, "alice"), change("c2", ChangeKind.PATCH, "bob"));
    reconcile(2, change("c1", ChangeKind.PROBE, "alice"), change("c2", ChangeKind.PATCH, "bob"));

    assertThat(target.calls)
        .containsExactly(
            "apply probe c1 by alice via controller", "apply patch c2 by bob via controller");
    assertThat(waiting).containsExactly("c2");
    assertThat(reconciler.report())
        .isEqualTo(
            Map.of(
                "c1", new ChangeReport(ProcessState.APPLIED, null, "p1"),
                "c2", new ChangeReport(ProcessState.APPLIED, null, "x2")));
    assertThat(reconciler.fleetIdsByLocalId()).isEqualTo(Map.of("p1", "c1", "x2", "c2"));
  }

  @Test
  void revertsWhatLeftTheListNewestFirstAndReportsItUntilASyncCarriedIt() {
    reconcile(
        1,
        change("c1", ChangeKind.PATCH, "a"),
        change("c2", ChangeKind.PATCH, "a"),
        change("c3", ChangeKind.PROBE, "a"));
    target.calls.clear();
    reconcile(2, change("c3", ChangeKind.PROBE, "a"));

    assertThat(target.calls).containsExactly("revert x2", "revert x1");
    Map<String, ChangeReport> report = reconciler.report();
    assertThat(report)
        .containsEntry("c1", new ChangeReport(ProcessState.REVERTED, null, "x1"))
        .containsEntry("c2", new ChangeReport(ProcessState.REVERTED, null, "x2"))
        .containsEntry("c3", new ChangeReport(ProcessState.APPLIED, null, "p3"));
    // Events of a just-reverted probe still carry its change until the next sync.
    assertThat(reconciler.fleetIdsByLocalId()).containsEntry("x1", "c1");
    reconciler.reported(report);
    assertThat(reconciler.report())
        .isEqualTo(Map.of("c3", new ChangeReport(ProcessState.APPLIED, null, "p3")));
    assertThat(reconciler.fleetIdsByLocalId()).containsEntry("x1", "c1");
    reconciler.eventsSent();
    assertThat(reconciler.fleetIdsByLocalId()).isEqualTo(Map.of("p3", "c3"));
  }

  @Test
  void aFailedChangeIsRetriedOnlyForANewVersionOrANewRegistration() {
    target.refuse.add("c1");
    reconcile(1, change("c1", ChangeKind.PROBE, "a"));
    reconcile(1, change("c1", ChangeKind.PROBE, "a"));
    assertThat(target.calls).containsExactly("apply probe c1 by a via controller");
    assertThat(reconciler.report().get("c1"))
        .isEqualTo(
            new ChangeReport(
                ProcessState.FAILED, "the patch does not compile: x (hint: fix it)", null));

    // Negative control of the not-loaded retry: time passing does not try this failure again.
    nanos += Reconciler.MAX_RETRY_MILLIS * 2_000_000L;
    assertThat(reconciler.millisUntilRetry()).isEqualTo(Long.MAX_VALUE);
    assertThat(reconciler.retryNotLoaded(waiting::add, () -> true)).isFalse();
    assertThat(target.calls).hasSize(1);

    reconcile(2, change("c1", ChangeKind.PROBE, "a"));
    assertThat(target.calls).hasSize(2);

    reconciler.forgetFailures();
    target.refuse.clear();
    reconcile(2, change("c1", ChangeKind.PROBE, "a"));
    assertThat(target.calls).hasSize(3);
    assertThat(reconciler.report())
        .isEqualTo(Map.of("c1", new ChangeReport(ProcessState.APPLIED, null, "p1")));
  }

  @Test
  void aChangeWhoseClassIsNotLoadedIsRetriedWithABackoffWhileDesired() {
    target.notLoaded.add("c1");
    reconcile(1, change("c1", ChangeKind.SHADOW, "a"), change("c2", ChangeKind.PROBE, "a"));
    assertThat(target.calls).hasSize(2);
    ChangeReport failed = reconciler.report().get("c1");
    assertThat(failed.state()).isEqualTo(ProcessState.FAILED);
    assertThat(failed.message()).contains("is not loaded");

    // Not before it is due, also when the same version comes again.
    assertThat(reconciler.millisUntilRetry()).isEqualTo(1_000);
    reconcile(1, change("c1", ChangeKind.SHADOW, "a"), change("c2", ChangeKind.PROBE, "a"));
    assertThat(reconciler.retryNotLoaded(waiting::add, () -> true)).isFalse();
    assertThat(target.calls).hasSize(2);

    // Due after 1 s, then 2 s, 4 s ...; failed meanwhile; only the failed change is tried again.
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      nanos += reconciler.millisUntilRetry() * 1_000_000L;
      assertThat(reconciler.retryNotLoaded(waiting::add, () -> true)).isTrue();
      assertThat(reconciler.report().get("c1").state()).isEqualTo(ProcessState.FAILED);
      delays.add(reconciler.millisUntilRetry());
    }
    assertThat(delays).containsExactly(2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L, 30_000L);
    assertThat(target.calls).hasSize(9);
    assertThat(target.calls.stream().filter(call -> call.contains(" c2 "))).hasSize(1);

    // The class loaded: the next try applies it.
    target.notLoaded.clear();
    nanos += reconciler.millisUntilRetry() * 1_000_000L;
    assertThat(reconciler.retryNotLoaded(waiting::add, () -> true)).isTrue();
    assertThat(reconciler.report().get("c1"))
        .isEqualTo(new ChangeReport(ProcessState.APPLIED, null, "x2"));
    assertThat(reconciler.millisUntilRetry()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aNotLoadedChangeThatLeavesTheListIsNotRetried() {
    target.notLoaded.add("c1");
    reconcile(1, change("c1", ChangeKind.PATCH, "a"));
    reconcile(2);
    nanos += Reconciler.MAX_RETRY_MILLIS * 1_000_000L;
    assertThat(reconciler.retryNotLoaded(waiting::add, () -> true)).isFalse();
    assertThat(target.calls).hasSize(1);
  }

  @Test
  void aFailedChangeThatLeavesTheListIsForgotten() {
    target.refuse.add("c1");
    reconcile(1, change("c1", ChangeKind.PROBE, "a"));
    reconcile(2);
    assertThat(reconciler.report()).isEmpty();
  }

  @Test
  void aRevertThatFailsKeepsTheChangeAndSaysWhy() {
    reconcile(1, change("c1", ChangeKind.PATCH, "a"));
    target.refuseRevert = true;
    reconcile(2);
    ChangeReport refused = reconciler.report().get("c1");
    assertThat(refused.state()).isEqualTo(ProcessState.FAILED);
    assertThat(refused.localId()).isEqualTo("x1");
    assertThat(refused.message()).startsWith("could not revert: ");
    assertThat(reconciler.appliedCount()).isEqualTo(1);

    target.refuseRevert = false;
    reconcile(3);
    assertThat(reconciler.report())
        .isEqualTo(Map.of("c1", new ChangeReport(ProcessState.REVERTED, null, "x1")));
    assertThat(reconciler.appliedCount()).isZero();
  }

  @Test
  void aChangeRemovedHereIsReportedFailedAndItsRevertSucceeds() {
    reconcile(1, change("c1", ChangeKind.PROBE, "a"));
    target.gone.add("p1");
    assertThat(reconciler.report().get("c1"))
        .isEqualTo(
            new ChangeReport(ProcessState.FAILED, "probe p1 is removed: removed by carol", "p1"));

    target.refuseRevert = true;
    reconcile(2);
    assertThat(reconciler.report())
        .isEqualTo(Map.of("c1", new ChangeReport(ProcessState.REVERTED, null, "p1")));
  }

  @Test
  void metricsAreThoseOfTheAppliedProbes() {
    reconcile(1, change("c1", ChangeKind.PROBE, "a"), change("c2", ChangeKind.PATCH, "a"));
    assertThat(reconciler.metrics()).isEqualTo(Map.of("c1", Map.of("id", "p1", "calls", 7L)));
  }

  @Test
  void nothingIsAppliedOnceStopping() {
    reconciler.reconcile(
        List.of(change("c1", ChangeKind.PROBE, "a")), 1, waiting::add, () -> false);
    assertThat(target.calls).isEmpty();
  }

  private void reconcile(long version, DesiredChange... changes) {
    reconciler.reconcile(List.of(changes), version, waiting::add, () -> true);
  }

  private static DesiredChange change(String id, ChangeKind kind, String author) {
    return new DesiredChange(
        id,
        kind,
        Map.of("selector", "com.acme.Nope#run", "fleetId", id),
        author,
        "2026-01-01T00:00:00Z");
  }

  /**
   * Local ids: p for probes, x for patches, numbered across both, as the agent's engines do each.
   */
  private static final class FakeTarget implements FleetTarget {
    final List<String> calls = new ArrayList<>();
    final Set<String> refuse = new HashSet<>();
    final Set<String> notLoaded = new HashSet<>();
    final Set<String> gone = new HashSet<>();
    final Map<String, ChangeKind> kinds = new HashMap<>();
    boolean refuseRevert;
    int next;

    @Override
    public String apply(ChangeKind kind, Map<String, Object> spec, String author) {
      String fleetId = (String) spec.get("fleetId");
      calls.add("apply " + JsonObject.wireName(kind) + " " + fleetId + " by " + author);
      if (refuse.contains(fleetId)) {
        throw new JLiveException(ErrorCode.BAD_REQUEST, "the patch does not compile: x", "fix it");
      }
      if (notLoaded.contains(fleetId)) {
        throw new JLiveException(
            ErrorCode.CLASS_NOT_FOUND,
            "class com.acme.Nope is not loaded",
            "a patch replaces loaded classes only");
      }
      String id = (kind == ChangeKind.PROBE ? "p" : "x") + ++next;
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
      return gone.contains(localId)
          ? JsonObject.wireName(kinds.get(localId))
              + " "
              + localId
              + " is removed: removed by carol"
          : null;
    }

    @Override
    public Map<String, Object> metrics(String localId) {
      return kinds.get(localId) == ChangeKind.PROBE ? Map.of("id", localId, "calls", 7L) : null;
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

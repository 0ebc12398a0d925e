package dev.jlive.agent.fleet;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.DesiredChange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Makes this JVM's fleet changes what the controller wants, and says how each one went.
 *
 * <p>It keeps the map from fleet change id to local (ledger) id of every change it applied. Given a
 * desired list, it first takes back every applied change that left it (newest first: a newer patch
 * of a class must go before an older one), then applies, in the list's order, each desired change
 * not applied yet. A change that failed is not tried again for the same desired version: only a new
 * version or a new registration ({@link #forgetFailures}) retries it. One exception: a change whose
 * class is not loaded yet (a process that joined before its application loaded it) is tried again
 * while it stays desired, after 1 s, 2 s, 4 s ... up to every 30 s ({@link #retryNotLoaded}); it
 * stays reported failed until a try succeeds.
 *
 * <p>Used by the link's thread only; {@link #appliedCount} may be read from any thread.
 */
final class Reconciler {
  /** Local id and kind of a fleet change applied here. */
  record Applied(String localId, ChangeKind kind) {}

  private final FleetTarget target;
  private final ChangeVerifier verifier;
  private final System.Logger log;

  /** In the order applied: reverts go newest first. */
  private final Map<String, Applied> applied = Collections.synchronizedMap(new LinkedHashMap<>());

  /** Fleet change id -> the desired version at which it failed. */
  private final Map<String, Long> failedAt = new HashMap<>();

  /** When a change that failed because its class is not loaded is tried again. */
  private record Retry(long dueNanos, long delayMillis) {}

  static final long FIRST_RETRY_MILLIS = 1_000;
  static final long MAX_RETRY_MILLIS = 30_000;

  /** Fleet change id -> its next try, for changes that failed with their class not loaded. */
  private final Map<String, Retry> retries = new HashMap<>();

  private final LongSupplier nanoClock;

  /** The last desired list and its version: what a retry reconciles again. */
  private List<DesiredChange> lastDesired = List.of();

  private long lastVersion = -1;

  /** What to report per change, in the order the changes came. */
  private final Map<String, ChangeReport> states = new LinkedHashMap<>();

  /**
   * Reverts are reported until a sync carried them; then the controller knows. Reported first, in
   * the order they happened.
   */
  private final Map<String, ChangeReport> reverted = new LinkedHashMap<>();

  /** Local ids of changes reverted since the last sync, so their last events are still tagged. */
  private final Map<String, String> recentlyReverted = new HashMap<>();

  Reconciler(FleetTarget target, System.Logger log) {
    this(target, ChangeVerifier.none(), log);
  }

  /**
   * @param verifier what a change must pass before anything of it is applied
   */
  Reconciler(FleetTarget target, ChangeVerifier verifier, System.Logger log) {
    this(target, verifier, log, System::nanoTime);
  }

  /**
   * @param nanoClock the time retries are due by ({@link System#nanoTime} but in tests)
   */
  Reconciler(
      FleetTarget target, ChangeVerifier verifier, System.Logger log, LongSupplier nanoClock) {
    this.target = target;
    this.verifier = verifier;
    this.log = log;
    this.nanoClock = nanoClock;
  }

  /**
   * Brings the applied changes in line with {@code desired}.
   *
   * @param desired the controller's changes, in its order
   * @param version the desired version they belong to
   * @param beforePatch told the fleet id of a patch about to be applied (it may wait for a safe
   *     point), after its state became {@code waiting}; the link reports that at once
   * @param stillRunning false once the agent stops: nothing more is applied
   */
  void reconcile(
      List<DesiredChange> desired,
      long version,
      Consumer<String> beforePatch,
      BooleanSupplier stillRunning) {
    lastDesired = List.copyOf(desired);
    lastVersion = version;
    // By id, in the controller's order: the order changes are applied in.
    Map<String, DesiredChange> wanted = new LinkedHashMap<>();
    for (DesiredChange change : desired) {
      wanted.put(change.id(), change);
    }
    List<String> appliedIds;
    synchronized (applied) {
      appliedIds = new ArrayList<>(applied.keySet());
    }
    Collections.reverse(appliedIds);
    for (String id : appliedIds) {
      if (!wanted.containsKey(id) && stillRunning.getAsBoolean()) {
        revert(id);
      }
    }
    failedAt.keySet().retainAll(wanted.keySet());
    retries.keySet().retainAll(wanted.keySet());
    long now = nanoClock.getAsLong();
    states.keySet().removeIf(id -> !wanted.containsKey(id) && !applied.containsKey(id));
    for (DesiredChange change : wanted.values()) {
      String id = change.id();
      Long failedVersion = failedAt.get(id);
      boolean retrying = failedVersion != null && failedVersion == version;
      Retry retry = retries.get(id);
      if (applied.containsKey(id)
          || (retrying && (retry == null || retry.dueNanos() - now > 0))
          || !stillRunning.getAsBoolean()) {
        continue;
      }
      ChangeKind kind = change.kind();
      String refusal = verifier.refusal(change);
      if (refusal != null) {
        // Like a failed change: reported, and not tried again until the desired state changes.
        failedAt.put(id, version);
        states.put(id, new ChangeReport(ProcessState.FAILED, refusal, null));
        log.log(
            System.Logger.Level.WARNING,
            "fleet change " + id + " (" + kind + ") refused: " + refusal);
        continue;
      }
      String author = (change.author() == null ? "unknown" : change.author()) + " via controller";
      reverted.remove(id);
      if (kind == ChangeKind.PATCH && !retrying) {
        // A retry stays reported failed until it succeeds: it is mostly still not loaded.
        states.put(id, ChangeReport.of(ProcessState.WAITING));
        beforePatch.accept(id);
      }
      try {
        String localId = target.apply(kind, change.spec(), author);
        applied.put(id, new Applied(localId, kind));
        failedAt.remove(id);
        retries.remove(id);
        states.put(id, new ChangeReport(ProcessState.APPLIED, null, localId));
        log.log(
            System.Logger.Level.INFO,
            "fleet change {0} applied as {1} ({2}, {3})",
            id,
            localId,
            kind,
            author);
      } catch (RuntimeException e) {
        failedAt.put(id, version);
        states.put(id, new ChangeReport(ProcessState.FAILED, message(e), null));
        if (isNotLoaded(e)) {
          long delay =
              retry == null
                  ? FIRST_RETRY_MILLIS
                  : Math.min(MAX_RETRY_MILLIS, retry.delayMillis() * 2);
          retries.put(id, new Retry(nanoClock.getAsLong() + delay * 1_000_000L, delay));
        } else {
          retries.remove(id);
        }
        if (retry == null) {
          // Retries that fail the same way again say nothing new.
          log.log(
              System.Logger.Level.WARNING,
              "fleet change " + id + " (" + kind + ") failed: " + message(e));
        }
      }
    }
  }

  private void revert(String id) {
    Applied change = applied.get(id);
    try {
      target.revert(change.localId(), "reverted via controller");
    } catch (RuntimeException e) {
      if (target.notLive(change.localId()) == null) {
        // Still live here: report it and try again with the next desired version.
        states.put(
            id,
            new ChangeReport(
                ProcessState.FAILED, "could not revert: " + message(e), change.localId()));
        log.log(
            System.Logger.Level.WARNING,
            "fleet change "
                + id
                + " ("
                + change.localId()
                + ") could not be reverted: "
                + message(e));
        return;
      }
      // Removed or turned off here already: nothing is left to take back.
    }
    applied.remove(id);
    states.remove(id);
    failedAt.remove(id);
    retries.remove(id);
    reverted.put(id, new ChangeReport(ProcessState.REVERTED, null, change.localId()));
    recentlyReverted.put(change.localId(), id);
    log.log(System.Logger.Level.INFO, "fleet change {0} ({1}) reverted", id, change.localId());
  }

  /**
   * After a new registration: the controller starts from scratch, so every failed change is tried
   * again.
   */
  void forgetFailures() {
    failedAt.clear();
    retries.clear();
    states.keySet().removeIf(id -> !applied.containsKey(id));
  }

  /**
   * Tries again the changes whose class was not loaded and whose retry is due, if any.
   *
   * @return whether anything was tried
   */
  boolean retryNotLoaded(Consumer<String> beforePatch, BooleanSupplier stillRunning) {
    if (millisUntilRetry() > 0) {
      return false;
    }
    reconcile(lastDesired, lastVersion, beforePatch, stillRunning);
    return true;
  }

  /** How long until the next retry is due: 0 if one is, {@link Long#MAX_VALUE} if none waits. */
  long millisUntilRetry() {
    long now = nanoClock.getAsLong();
    long soonest = Long.MAX_VALUE;
    for (Retry retry : retries.values()) {
      // Rounded up: a retry due in half a millisecond is not due yet.
      soonest = Math.min(soonest, Math.max(0, (retry.dueNanos() - now + 999_999L) / 1_000_000L));
    }
    return soonest;
  }

  /**
   * A class the change targets is not loaded (yet): the engines say so with {@link
   * ErrorCode#CLASS_NOT_FOUND} before they compile or weave anything, so a retry is cheap.
   */
  private static boolean isNotLoaded(RuntimeException e) {
    return e instanceof JLiveException jlive && jlive.code() == ErrorCode.CLASS_NOT_FOUND;
  }

  /**
   * The {@code changes} of the next sync: every change's state now. An applied change that is no
   * longer live here (removed by hand, or turned off by its budget) is reported failed, with why.
   */
  Map<String, ChangeReport> report() {
    // Reverts first, then the live changes, each in the order it happened: the controller's listing
    // shows them so.
    Map<String, ChangeReport> report = new LinkedHashMap<>(reverted);
    states.forEach(
        (id, state) -> {
          Applied change = applied.get(id);
          String notLive =
              change == null || state.state() != ProcessState.APPLIED
                  ? null
                  : target.notLive(change.localId());
          report.put(
              id,
              notLive == null
                  ? state
                  : new ChangeReport(ProcessState.FAILED, notLive, change.localId()));
        });
    return report;
  }

  /** A sync carried {@code report}: its reverts need no more telling. */
  void reported(Map<String, ChangeReport> report) {
    reverted.keySet().removeIf(report::containsKey);
  }

  /** A sync carried the events so far: those of reverted probes need no more tagging. */
  void eventsSent() {
    recentlyReverted.clear();
  }

  /** The {@code metrics} of the next sync: each applied probe's metrics entry, by fleet id. */
  Map<String, Object> metrics() {
    return byFleetId(ChangeKind.PROBE, target::metrics);
  }

  /** The {@code shadows} of the next sync: each applied shadow's report, by fleet id. */
  Map<String, Object> shadows() {
    return byFleetId(ChangeKind.SHADOW, target::shadowReport);
  }

  /** What {@code read} answers for each applied change of {@code kind} (null: left out). */
  private Map<String, Object> byFleetId(
      ChangeKind kind, Function<String, Map<String, Object>> read) {
    JsonObject entries = JsonObject.create();
    for (Map.Entry<String, Applied> change : appliedSnapshot().entrySet()) {
      if (change.getValue().kind() == kind) {
        Map<String, Object> entry = read.apply(change.getValue().localId());
        if (entry != null) {
          entries.put(change.getKey(), entry);
        }
      }
    }
    return entries.toMap();
  }

  /**
   * Local id -> fleet id of every fleet change, those reverted since the last sync included (their
   * last events count).
   */
  Map<String, String> fleetIdsByLocalId() {
    Map<String, String> ids = new HashMap<>(recentlyReverted);
    appliedSnapshot().forEach((fleetId, change) -> ids.put(change.localId(), fleetId));
    return ids;
  }

  Map<String, Applied> appliedSnapshot() {
    synchronized (applied) {
      return new LinkedHashMap<>(
          applied); // an ordered copy, not a message: reverts go newest first
    }
  }

  int appliedCount() {
    return applied.size();
  }

  /** The error and what to do about it, as a user reading the controller's results needs it. */
  static String message(RuntimeException e) {
    if (e instanceof JLiveException jlive) {
      return jlive.getMessage() + (jlive.hint().isEmpty() ? "" : " (hint: " + jlive.hint() + ")");
    }
    return e.getMessage() == null
        ? e.toString()
        : e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}

package dev.jlive.agent.change;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.Ledger;
import dev.jlive.protocol.change.LedgerEntry;
import dev.jlive.protocol.change.LedgerState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every change the agent made to this JVM, with who asked, when, and what became of it. Listing it
 * is how an engineer learns what differs from the deployed build. Entries are moved to a final
 * state, not deleted, so the history survives the change; but only the newest {@link
 * #FINISHED_KEPT} finished ones are kept, so that a service changed every few seconds for weeks
 * does not keep every change it ever had (a soak saw one entry stay per change). Live changes are
 * always kept.
 */
public final class ChangeLedger {
  /** Finished changes kept in the history: enough to read back a day of busy work. */
  public static final int FINISHED_KEPT = 1_000;

  // Ordered by when each change was first recorded: the listing is oldest first, and an update
  // keeps the place.
  private final Map<String, LedgerEntry> entries = new LinkedHashMap<>();
  private final System.Logger log;
  private final int finishedKept;

  public ChangeLedger(System.Logger log) {
    this(log, FINISHED_KEPT);
  }

  ChangeLedger(System.Logger log, int finishedKept) {
    this.log = log;
    this.finishedKept = finishedKept;
  }

  public synchronized void record(
      String id, ChangeKind kind, String description, String author, LedgerState state) {
    entries.put(id, LedgerEntry.created(id, kind, description, author, state, Instant.now()));
    log.log(
        System.Logger.Level.INFO,
        "change {0} ({1}) {2} by {3}: {4}",
        id,
        JsonObject.wireName(kind),
        JsonObject.wireName(state),
        author,
        description);
  }

  public synchronized void update(String id, LedgerState state, String reason) {
    LedgerEntry entry = entries.get(id);
    if (entry == null) {
      return;
    }
    entries.put(id, entry.movedTo(state, reason, Instant.now()));
    if (!state.isLive()) {
      dropOldestFinished();
    }
    log.log(
        System.Logger.Level.INFO,
        "change {0} is now {1}{2}",
        id,
        JsonObject.wireName(state),
        reason == null ? "" : ": " + reason);
  }

  /** Oldest first: the map keeps the order in which changes were made. */
  private void dropOldestFinished() {
    long finished = entries.values().stream().filter(entry -> !entry.state().isLive()).count();
    for (var iterator = entries.values().iterator();
        finished > finishedKept && iterator.hasNext(); ) {
      if (!iterator.next().state().isLive()) {
        iterator.remove();
        finished--;
      }
    }
  }

  /** The entry of a change, or null. */
  public synchronized LedgerEntry find(String id) {
    return entries.get(id);
  }

  public synchronized List<LedgerEntry> list() {
    return new ArrayList<>(entries.values());
  }

  /** The answer to {@code GET /v1/changes}. */
  public synchronized Ledger toLedger() {
    return new Ledger(list());
  }

  public synchronized long liveCount() {
    return entries.values().stream().filter(entry -> entry.state().isLive()).count();
  }
}

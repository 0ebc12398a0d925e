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
 * Every change the agent made to this JVM, with who asked, when, and what became of it. Listing
 * it is how an engineer learns what differs from the deployed build. Entries are never deleted,
 * only moved to a final state, so the history survives the change.
 */
public final class ChangeLedger {
  // Ordered by when each change was first recorded: the listing is oldest first, and an update keeps the place.
  private final Map<String, LedgerEntry> entries = new LinkedHashMap<>();
  private final System.Logger log;

  public ChangeLedger(System.Logger log) {
    this.log = log;
  }

  public synchronized void record(String id, ChangeKind kind, String description, String author, LedgerState state) {
    entries.put(id, LedgerEntry.created(id, kind, description, author, state, Instant.now()));
    log.log(System.Logger.Level.INFO, "change {0} ({1}) {2} by {3}: {4}", id, JsonObject.wireName(kind), JsonObject.wireName(state),
        author, description);
  }

  public synchronized void update(String id, LedgerState state, String reason) {
    LedgerEntry entry = entries.get(id);
    if (entry == null) {
      return;
    }
    entries.put(id, entry.movedTo(state, reason, Instant.now()));
    log.log(System.Logger.Level.INFO, "change {0} is now {1}{2}", id, JsonObject.wireName(state), reason == null ? "" : ": " + reason);
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

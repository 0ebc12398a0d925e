package dev.jlive.agent.change;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every change the agent made to this JVM, with who asked, when, and what became of it. Listing
 * it is how an engineer learns what differs from the deployed build. Entries are moved to a final
 * state, not deleted, so the history survives the change; but only the newest {@link
 * #FINISHED_KEPT} finished ones are kept, so that a service changed every few seconds for weeks
 * does not keep every change it ever had (a soak saw one entry stay per change). Live changes
 * are always kept.
 */
public final class ChangeLedger {
  public enum State {
    ACTIVE,
    WAITING,
    DISABLED,
    REMOVED,
    REVERTED,
    FAILED;

    boolean isLive() {
      return this == ACTIVE || this == WAITING;
    }
  }

  /** One change as recorded; each update makes a new entry with the same id. */
  public record Entry(String id, String kind, String description, String author, Instant createdAt, State state, String reason,
      Instant updatedAt) {

    public Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("id", id);
      json.put("kind", kind);
      json.put("description", description);
      json.put("author", author);
      json.put("createdAt", createdAt.toString());
      json.put("state", state.name().toLowerCase(Locale.ROOT));
      if (reason != null) {
        json.put("reason", reason);
      }
      json.put("updatedAt", updatedAt.toString());
      return json;
    }
  }

  /** Finished changes kept in the history: enough to read back a day of busy work. */
  public static final int FINISHED_KEPT = 1_000;

  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final System.Logger log;
  private final int finishedKept;

  public ChangeLedger(System.Logger log) {
    this(log, FINISHED_KEPT);
  }

  ChangeLedger(System.Logger log, int finishedKept) {
    this.log = log;
    this.finishedKept = finishedKept;
  }

  public synchronized void record(String id, String kind, String description, String author, State state) {
    Instant now = Instant.now();
    entries.put(id, new Entry(id, kind, description, author, now, state, null, now));
    log.log(System.Logger.Level.INFO, "change {0} ({1}) {2} by {3}: {4}", id, kind, state.name().toLowerCase(Locale.ROOT),
        author, description);
  }

  public synchronized void update(String id, State state, String reason) {
    Entry entry = entries.get(id);
    if (entry == null) {
      return;
    }
    entries.put(id, new Entry(id, entry.kind(), entry.description(), entry.author(), entry.createdAt(), state, reason, Instant.now()));
    if (!state.isLive()) {
      dropOldestFinished();
    }
    log.log(System.Logger.Level.INFO, "change {0} is now {1}{2}", id, state.name().toLowerCase(Locale.ROOT),
        reason == null ? "" : ": " + reason);
  }

  /** Oldest first: the map keeps the order in which changes were made. */
  private void dropOldestFinished() {
    long finished = entries.values().stream().filter(entry -> !entry.state().isLive()).count();
    for (var iterator = entries.values().iterator(); finished > finishedKept && iterator.hasNext(); ) {
      if (!iterator.next().state().isLive()) {
        iterator.remove();
        finished--;
      }
    }
  }

  /** The entry of a change, or null. */
  public synchronized Entry find(String id) {
    return entries.get(id);
  }

  public synchronized List<Entry> list() {
    return new ArrayList<>(entries.values());
  }

  public synchronized long liveCount() {
    return entries.values().stream().filter(entry -> entry.state().isLive()).count();
  }
}

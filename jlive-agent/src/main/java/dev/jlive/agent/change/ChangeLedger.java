package dev.jlive.agent.change;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every change the agent made to this JVM, with who asked, when, and what became of it. Listing
 * it is how an engineer learns what differs from the deployed build. Entries are never deleted,
 * only moved to a final state, so the history survives the change.
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

  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final System.Logger log;

  public ChangeLedger(System.Logger log) {
    this.log = log;
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
    log.log(System.Logger.Level.INFO, "change {0} is now {1}{2}", id, state.name().toLowerCase(Locale.ROOT),
        reason == null ? "" : ": " + reason);
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

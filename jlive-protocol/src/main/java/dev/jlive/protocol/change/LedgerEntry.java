package dev.jlive.protocol.change;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.WireInstant;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One change in an agent's ledger as {@code GET /v1/changes} lists it: what it is, who asked, when,
 * and what became of it. Each update makes a new entry with the same id and creation time.
 *
 * @param reason why it reached its state (a budget, a revert, an error); null when there is none
 */
public record LedgerEntry(
    String id,
    ChangeKind kind,
    String description,
    String author,
    Instant createdAt,
    LedgerState state,
    String reason,
    Instant updatedAt)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of("id", "kind", "description", "author", "createdAt", "state", "reason", "updatedAt");

  public LedgerEntry {
    if (updatedAt.isBefore(createdAt)) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "change "
              + id
              + ": 'updatedAt' ("
              + updatedAt
              + ") is before 'createdAt' ("
              + createdAt
              + ")",
          "an entry is updated after it is created; send the times the ledger recorded");
    }
  }

  /** The entry made when the change is recorded. */
  public static LedgerEntry created(
      String id,
      ChangeKind kind,
      String description,
      String author,
      LedgerState state,
      Instant now) {
    return new LedgerEntry(id, kind, description, author, now, state, null, now);
  }

  /** The same change, moved to another state. */
  public LedgerEntry movedTo(LedgerState newState, String newReason, Instant now) {
    return new LedgerEntry(id, kind, description, author, createdAt, newState, newReason, now);
  }

  /** Reads an agent's answer (tolerant: a newer agent may add fields). */
  public static LedgerEntry fromWire(Object json) {
    return read(StrictObject.tolerant(json, "a change of the ledger", FIELDS));
  }

  static LedgerEntry read(StrictObject body) {
    return new LedgerEntry(
        body.requireString("id", "\"x1\""),
        body.requireEnum("kind", ChangeKind.class),
        body.requireString("description", "\"new code for Pricing#total\""),
        body.requireString("author", "\"alice\""),
        WireInstant.require(body, "createdAt"),
        body.requireEnum("state", LedgerState.class),
        body.optionalString("reason"),
        WireInstant.require(body, "updatedAt"));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("id", id)
        .put("kind", kind)
        .put("description", description)
        .put("author", author)
        .put("createdAt", createdAt.toString())
        .put("state", state)
        .put("reason", reason)
        .put("updatedAt", updatedAt.toString())
        .toMap();
  }
}

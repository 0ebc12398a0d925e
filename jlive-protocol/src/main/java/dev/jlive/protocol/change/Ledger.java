package dev.jlive.protocol.change;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An agent's answer to {@code GET /v1/changes}: every change it made, oldest first. */
public record Ledger(List<LedgerEntry> changes) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("changes");

  public Ledger {
    changes = List.copyOf(changes);
    Set<String> ids = new HashSet<>();
    for (LedgerEntry entry : changes) {
      if (!ids.add(entry.id())) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            "the ledger lists change " + entry.id() + " twice",
            "list each change once, in its latest state");
      }
    }
  }

  public static Ledger fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the ledger", FIELDS);
    return new Ledger(
        body.optionalObjects("changes", LedgerEntry.FIELDS).stream()
            .map(LedgerEntry::read)
            .toList());
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("changes", changes).toMap();
  }
}

package dev.jlive.protocol.governance;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * One person's word on a proposed change, kept on the change: who, when, yes or no, and why.
 *
 * @param at ISO-8601
 * @param comment required when rejecting; may be null when approving
 */
public record Approval(String by, String at, Decision decision, String comment)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("by", "at", "decision", "comment");

  /** Written {@code "approve"} or {@code "reject"}. */
  public enum Decision {
    APPROVE,
    REJECT
  }

  public Approval {
    if (by == null || by.isBlank()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST, "an approval needs 'by'", "the controller names who approved");
    }
    if (decision == null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the approval of " + by + " needs 'decision'",
          "approve or reject");
    }
  }

  public boolean approves() {
    return decision == Decision.APPROVE;
  }

  public static Approval read(StrictObject body) {
    return new Approval(
        body.requireString("by", "\"alice\""),
        body.optionalString("at"),
        body.requireEnum("decision", Decision.class),
        body.optionalString("comment"));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("by", by)
        .put("at", at)
        .put("decision", decision)
        .put("comment", comment)
        .toMap();
  }
}

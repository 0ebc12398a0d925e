package dev.jlive.protocol.fleet;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A question about loaded classes that rides a sync answer ({@code "classQuestions"}) to agents of
 * protocol {@link dev.jlive.protocol.FleetApi#FIRST_CLASS_QUESTION_PROTOCOL_VERSION} and up: the
 * dashboard's probe form checks a selector as it is typed, and agents take no requests from the
 * controller. The agent answers with {@link ClassAnswer} what its own {@code GET /v1/classes} and
 * {@code GET /v1/methods} would.
 *
 * @param pattern the class pattern to list (at most {@code limit} names), or null
 * @param className the class whose methods to list, or null
 */
public record ClassQuestion(String id, String pattern, int limit, String className)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("id", "pattern", "limit", "class");

  /** The most names one answer lists, whatever the question asks. */
  public static final int MAX_LIMIT = 50;

  private static final String WHAT = "a class question";

  public ClassQuestion {
    Wire.text(id, WHAT, "id");
    limit = Math.max(0, Math.min(MAX_LIMIT, limit));
  }

  /** The questions of a sync answer; empty when it has none (always, from an older controller). */
  public static List<ClassQuestion> listFromWire(Object syncAnswer) {
    StrictObject body = StrictObject.tolerant(syncAnswer, "the sync answer", SyncAnswer.FIELDS);
    return Wire.objects(
        body,
        SyncAnswer.CLASS_QUESTIONS,
        FIELDS,
        item ->
            new ClassQuestion(
                item.requireString("id", "\"q1\""),
                item.optionalString("pattern"),
                Wire.intValue(item.optionalLong("limit", 20, 0, MAX_LIMIT)),
                item.optionalString("class")));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("id", id)
        .put("pattern", pattern)
        .put("limit", limit)
        .put("class", className)
        .toMap();
  }
}

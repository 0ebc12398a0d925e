package dev.jlive.protocol.fleet;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/agents/classes}: a process's answer to a {@link ClassQuestion}, in the wire form
 * of the agent's own answers.
 *
 * @param classes the answer of {@code GET /v1/classes?pattern=&limit=}, or its error; empty when
 *     the question listed no pattern
 * @param methods the answer of {@code GET /v1/methods?class=}, or its error; empty when the
 *     question named no class
 */
public record ClassAnswer(
    String process, String question, Map<String, Object> classes, Map<String, Object> methods)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("process", "question", "classes", "methods");
  private static final String WHAT = "a class answer";

  public ClassAnswer {
    Wire.text(process, WHAT, "process");
    Wire.text(question, WHAT, "question");
    classes = Wire.copy(classes == null ? Map.of() : classes);
    methods = Wire.copy(methods == null ? Map.of() : methods);
  }

  public static ClassAnswer fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, WHAT, FIELDS);
    return new ClassAnswer(
        body.requireString("process", "\"web-1-4242-1a2b3c4d\""),
        body.requireString("question", "\"q1\""),
        Wire.rawObject(body, "classes"),
        Wire.rawObject(body, "methods"));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("process", process)
        .put("question", question)
        .put("classes", classes)
        .put("methods", methods)
        .toMap();
  }
}

package dev.jlive.protocol.inspect;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An agent's answer to {@code GET /v1/threads}: platform threads, then virtual ones.
 *
 * @param virtualThreadsNote why some virtual threads may be missing; null when none are
 */
public record ThreadList(List<ThreadSnapshot> threads, String virtualThreadsNote)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("threads", "virtualThreadsNote");

  public ThreadList {
    threads = List.copyOf(threads);
    if (virtualThreadsNote != null && virtualThreadsNote.isBlank()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the thread list's 'virtualThreadsNote' is blank",
          "say why virtual threads are missing, or leave the note out");
    }
  }

  public static ThreadList fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the thread list", FIELDS);
    return new ThreadList(
        body.optionalObjects("threads", ThreadSnapshot.FIELDS).stream()
            .map(ThreadSnapshot::read)
            .toList(),
        body.optionalString("virtualThreadsNote"));
  }

  @Override
  public Map<String, Object> toJson() {
    // The note first, as agents have always written it.
    return JsonObject.create()
        .put("virtualThreadsNote", virtualThreadsNote)
        .put("threads", threads)
        .toMap();
  }
}

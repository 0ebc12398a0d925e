package dev.jlive.protocol.inspect;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import java.util.Arrays;

/** Which threads {@code GET /v1/threads?kind=} lists; written in lower case. */
public enum ThreadKind {
  ALL,
  PLATFORM,
  VIRTUAL;

  /** The kind a query names; {@link #ALL} when it names none. */
  public static ThreadKind parse(String text) {
    if (text == null) {
      return ALL;
    }
    for (ThreadKind kind : values()) {
      if (JsonObject.wireName(kind).equals(text)) {
        return kind;
      }
    }
    throw new JLiveException(
        ErrorCode.BAD_REQUEST,
        "unknown kind of thread '" + text + "'",
        "use one of " + Arrays.stream(values()).map(JsonObject::wireName).toList());
  }
}

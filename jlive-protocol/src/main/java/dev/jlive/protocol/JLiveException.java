package dev.jlive.protocol;

import java.util.Map;

/**
 * An error with a code, what was wrong, and what to do next. Agents send it as {@code {"error":
 * {"code", "message", "hint"}}}; clients rebuild it from that answer.
 */
public class JLiveException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final String hint;

  public JLiveException(ErrorCode code, String message, String hint) {
    super(message);
    this.code = code;
    this.hint = hint;
  }

  public ErrorCode code() {
    return code;
  }

  /** What the user can do about it; may be empty, never null. */
  public String hint() {
    return hint == null ? "" : hint;
  }

  /**
   * The error record of the wire vocabulary; its code is written by its constant name ({@code
   * BAD_REQUEST}).
   */
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put(
            "error",
            JsonObject.create()
                .put("code", code.name())
                .put("message", getMessage())
                .put("hint", hint())
                .toMap())
        .toMap();
  }

  /** Rebuilds the exception from an agent's error answer, or null if the body is not one. */
  public static JLiveException fromJson(Map<String, Object> body) {
    if (!(body.get("error") instanceof Map<?, ?> error)) {
      return null;
    }
    return new JLiveException(
        ErrorCode.fromName(String.valueOf(error.get("code"))),
        String.valueOf(error.get("message")),
        error.get("hint") == null ? "" : String.valueOf(error.get("hint")));
  }
}

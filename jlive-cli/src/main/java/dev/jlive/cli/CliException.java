package dev.jlive.cli;

import dev.jlive.protocol.JsonObject;
import java.util.Map;

/**
 * A failure the user can act on: what went wrong, what to do, and the exit code that goes with it.
 */
public class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;
  private final String code;
  private final String hint;

  public CliException(int exitCode, String code, String message, String hint) {
    super(message);
    this.exitCode = exitCode;
    this.code = code;
    this.hint = hint == null ? "" : hint;
  }

  public CliException(int exitCode, String code, String message, String hint, Throwable cause) {
    this(exitCode, code, message, hint);
    initCause(cause);
  }

  public int exitCode() {
    return exitCode;
  }

  public String code() {
    return code;
  }

  public String hint() {
    return hint;
  }

  public Map<String, Object> toJson() {
    return Map.of(
        "error",
        JsonObject.create()
            .put("code", code)
            .put("message", getMessage())
            .put("hint", hint)
            .put("exitCode", exitCode)
            .toMap());
  }
}

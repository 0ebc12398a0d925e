package dev.jlive.protocol;

/** The closed set of errors an agent answers with, each tied to its HTTP status. */
public enum ErrorCode {
  BAD_REQUEST(400),
  UNAUTHORIZED(401),
  UNKNOWN_ENDPOINT(404),
  CLASS_NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405),
  CONFLICT(409),
  AGENT_STOPPING(503),
  INTERNAL_ERROR(500);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The code named in an answer, or {@link #INTERNAL_ERROR} for one this version does not know. */
  public static ErrorCode fromName(String name) {
    for (ErrorCode code : values()) {
      if (code.name().equals(name)) {
        return code;
      }
    }
    return INTERNAL_ERROR;
  }
}

package dev.jlive.protocol;

/** The closed set of errors an agent or controller answers with, each tied to its HTTP status. */
public enum ErrorCode {
  BAD_REQUEST(400),
  UNAUTHORIZED(401),
  /**
   * The caller is known but may not do this: a role it lacks, approving one's own change, an agent
   * that takes changes only from its controller; the message says who may.
   */
  FORBIDDEN(403),
  UNKNOWN_ENDPOINT(404),
  CLASS_NOT_FOUND(404),
  /** Controller: no process of that service has ever registered. */
  UNKNOWN_SERVICE(404),
  /** Controller: no such user. */
  UNKNOWN_USER(404),
  /** Controller: the process is not (or no longer) registered; the agent registers again. */
  UNKNOWN_PROCESS(404),
  /** Controller: no such change in the service's history. */
  UNKNOWN_CHANGE(404),
  /** Controller: no live process of the service matches the change's labels. */
  NO_MATCHING_PROCESS(409),
  METHOD_NOT_ALLOWED(405),
  CONFLICT(409),
  /** The request did not arrive whole within the server's deadline. */
  REQUEST_TIMEOUT(408),
  /** A cap is full: connections, or waiting long polls; retry later. */
  BUSY(429),
  AGENT_STOPPING(503),
  /** Controller: ZooKeeper cannot be reached; reads answer from the last known state. */
  STORE_UNAVAILABLE(503),
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

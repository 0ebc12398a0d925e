package dev.jlive.protocol.change;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * Where a change stands on one process, as {@code GET /v1/services/{s}/changes/{id}} lists it.
 *
 * @param pid 0 when unknown
 * @param message why it failed, or why the process is unreachable
 * @param localId the change's id in the process's own ledger
 */
public record ProcessResult(
    String process, String host, long pid, ProcessState state, String message, String localId)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of("process", "host", "pid", "state", "message", "localId");

  public ProcessResult {
    if (process == null || process.isBlank()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "a process result needs 'process'",
          "the controller names every process");
    }
    if (state == null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the result of process " + process + " needs 'state'",
          "e.g. applied");
    }
  }

  static ProcessResult read(StrictObject body) {
    return new ProcessResult(
        body.requireString("process", "\"web-1-4242-1a2b3c4d\""),
        body.optionalString("host"),
        body.optionalLong("pid", 0, Long.MIN_VALUE, Long.MAX_VALUE),
        body.requireEnum("state", ProcessState.class),
        body.optionalString("message"),
        body.optionalString("localId"));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("process", process)
        .put("host", host)
        .putIf(pid > 0, "pid", pid)
        .put("state", state)
        .put("message", message)
        .put("localId", localId)
        .toMap();
  }
}

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
 * One thread of a {@link ThreadList}.
 *
 * @param state a {@link Thread.State} name as the JVM spells it ({@code RUNNABLE}), or {@code
 *     UNKNOWN}
 * @param waitingOn the lock the thread waits for, null when none
 * @param lockOwner the thread holding that lock, null when none or unknown
 * @param stack frames, innermost first, as {@code class.method(File.java:12)}, with {@code " -
 *     locked ..."} lines
 */
public record ThreadSnapshot(
    long id,
    String name,
    String state,
    boolean daemon,
    boolean virtual,
    String waitingOn,
    String lockOwner,
    List<String> stack)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of("id", "name", "state", "daemon", "virtual", "waitingOn", "lockOwner", "stack");

  public ThreadSnapshot {
    stack = List.copyOf(stack);
    if (lockOwner != null && waitingOn == null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "thread #" + id + " has a 'lockOwner' but no 'waitingOn'",
          "name the lock the thread waits for, or leave its owner out");
    }
  }

  static ThreadSnapshot read(StrictObject body) {
    return new ThreadSnapshot(
        body.requireLong("id", 0, Long.MAX_VALUE),
        body.requireString("name", "\"main\""),
        body.requireString("state", "\"RUNNABLE\""),
        body.optionalBoolean("daemon", false),
        body.optionalBoolean("virtual", false),
        body.optionalString("waitingOn"),
        body.optionalString("lockOwner"),
        body.optionalStrings("stack"));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("id", id)
        .put("name", name)
        .put("state", state)
        .put("daemon", daemon)
        .put("virtual", virtual)
        .put("waitingOn", waitingOn)
        .put("lockOwner", lockOwner)
        .put("stack", stack)
        .toMap();
  }
}

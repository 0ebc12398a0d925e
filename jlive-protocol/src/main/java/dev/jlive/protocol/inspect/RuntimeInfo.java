package dev.jlive.protocol.inspect;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.WireInstant;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An agent's answer to {@code GET /v1/info}: the JVM, and the agent inside it. */
public record RuntimeInfo(Jvm jvm, Agent agent) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("jvm", "agent");

  public RuntimeInfo {
    if (jvm == null || agent == null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the info answer needs both 'jvm' and 'agent'",
          "describe the JVM and its agent");
    }
  }

  /**
   * The JVM as its MXBeans describe it.
   *
   * @param heapMaxBytes -1 when the heap has no defined maximum
   */
  public record Jvm(
      long pid,
      String mainClass,
      String vmName,
      String vmVendor,
      String javaVersion,
      String javaHome,
      int featureVersion,
      long uptimeMillis,
      long startTime,
      int processors,
      long heapUsedBytes,
      long heapMaxBytes,
      List<String> inputArguments,
      boolean redefineClassesSupported,
      boolean retransformClassesSupported)
      implements JsonWritable {
    public static final Set<String> FIELDS =
        Set.of(
            "pid",
            "mainClass",
            "vmName",
            "vmVendor",
            "javaVersion",
            "javaHome",
            "featureVersion",
            "uptimeMillis",
            "startTime",
            "processors",
            "heapUsedBytes",
            "heapMaxBytes",
            "inputArguments",
            "redefineClassesSupported",
            "retransformClassesSupported");

    public Jvm {
      inputArguments = List.copyOf(inputArguments);
      if (pid <= 0) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            "the JVM's 'pid' must be positive, not " + pid,
            "send the process id of the JVM");
      }
    }

    static Jvm read(StrictObject body) {
      return new Jvm(
          body.requireLong("pid", 1, Long.MAX_VALUE),
          body.optionalString("mainClass"),
          body.optionalString("vmName"),
          body.optionalString("vmVendor"),
          body.requireString("javaVersion", "\"17.0.9\""),
          body.optionalString("javaHome"),
          (int) body.requireLong("featureVersion", 1, Integer.MAX_VALUE),
          body.optionalLong("uptimeMillis", 0, 0, Long.MAX_VALUE),
          body.optionalLong("startTime", 0, 0, Long.MAX_VALUE),
          (int) body.optionalLong("processors", 1, 1, Integer.MAX_VALUE),
          body.optionalLong("heapUsedBytes", 0, 0, Long.MAX_VALUE),
          body.optionalLong("heapMaxBytes", -1, -1, Long.MAX_VALUE),
          body.optionalStrings("inputArguments"),
          body.optionalBoolean("redefineClassesSupported", false),
          body.optionalBoolean("retransformClassesSupported", false));
    }

    @Override
    public Map<String, Object> toJson() {
      return JsonObject.create()
          .put("pid", pid)
          .put("mainClass", mainClass)
          .put("vmName", vmName)
          .put("vmVendor", vmVendor)
          .put("javaVersion", javaVersion)
          .put("javaHome", javaHome)
          .put("featureVersion", featureVersion)
          .put("uptimeMillis", uptimeMillis)
          .put("startTime", startTime)
          .put("processors", processors)
          .put("heapUsedBytes", heapUsedBytes)
          .put("heapMaxBytes", heapMaxBytes)
          .put("inputArguments", inputArguments)
          .put("redefineClassesSupported", redefineClassesSupported)
          .put("retransformClassesSupported", retransformClassesSupported)
          .toMap();
    }
  }

  /**
   * The agent: its version, how it was started, since when, and how many changes are live.
   *
   * @param mode how the agent was started ({@code premain}, {@code agentmain}, ...)
   * @param probeSlots the probe dispatcher's table size (left out when 0, as agents before it sent
   *     nothing): bounded by the most probe sites at once (slots are reused), which a soak checks
   * @param probeSlotsInUse of those, the slots issued and not given back: the sites of the probes
   *     alive now, so 0 with no probe left (sent with {@code probeSlots}); a soak checks it, since
   *     a slot that a removed probe kept shows here at once, and in the table's length only once
   *     more probes came and went than the table holds
   * @param controller the controller link's status as the link writes it; null when the agent runs
   *     alone
   */
  public record Agent(
      String version,
      String mode,
      Instant startedAt,
      long activeChanges,
      long probeSlots,
      long probeSlotsInUse,
      Map<String, Object> controller)
      implements JsonWritable {
    public static final Set<String> FIELDS =
        Set.of(
            "version",
            "mode",
            "startedAt",
            "activeChanges",
            "probeSlots",
            "probeSlotsInUse",
            "controller");

    public Agent {
      // Through JsonObject: an unmodifiable copy in wire form, whose null values (a link not yet
      // registered) are left out.
      controller = controller == null ? null : JsonObject.create().putAll(controller).toMap();
      if (activeChanges < 0) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            "the agent's 'activeChanges' must not be negative, not " + activeChanges,
            "count the live changes of the ledger");
      }
    }

    static Agent read(StrictObject body) {
      return new Agent(
          body.requireString("version", "\"0.1.0\""),
          body.optionalString("mode"),
          WireInstant.require(body, "startedAt"),
          body.optionalLong("activeChanges", 0, 0, Long.MAX_VALUE),
          body.optionalLong("probeSlots", 0, 0, Long.MAX_VALUE),
          body.optionalLong("probeSlotsInUse", 0, 0, Long.MAX_VALUE),
          body.optionalObject("controller"));
    }

    @Override
    public Map<String, Object> toJson() {
      return JsonObject.create()
          .put("version", version)
          .put("mode", mode)
          .put("startedAt", startedAt.toString())
          .put("activeChanges", activeChanges)
          .putIf(probeSlots > 0, "probeSlots", probeSlots)
          .putIf(probeSlots > 0, "probeSlotsInUse", probeSlotsInUse)
          .put("controller", controller)
          .toMap();
    }
  }

  public static RuntimeInfo fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the info answer", FIELDS);
    return new RuntimeInfo(
        Jvm.read(body.requireNested("jvm", "the info answer's jvm", Jvm.FIELDS)),
        Agent.read(body.requireNested("agent", "the info answer's agent", Agent.FIELDS)));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("jvm", jvm).put("agent", agent).toMap();
  }
}

package dev.jlive.agent.inspect;

import dev.jlive.agent.AgentContext;
import dev.jlive.protocol.Version;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

/** What {@code jlive info} shows: the JVM, and the agent inside it. */
public final class JvmInfo {
  private JvmInfo() {}

  public static Map<String, Object> describe(AgentContext context) {
    RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();

    Map<String, Object> jvm = new LinkedHashMap<>();
    jvm.put("pid", ProcessHandle.current().pid());
    jvm.put("mainClass", mainClass());
    jvm.put("vmName", runtime.getVmName());
    jvm.put("vmVendor", runtime.getVmVendor());
    jvm.put("javaVersion", System.getProperty("java.version"));
    jvm.put("javaHome", System.getProperty("java.home"));
    jvm.put("featureVersion", Runtime.version().feature());
    jvm.put("uptimeMillis", runtime.getUptime());
    jvm.put("startTime", runtime.getStartTime());
    jvm.put("processors", Runtime.getRuntime().availableProcessors());
    jvm.put("heapUsedBytes", heap.getUsed());
    jvm.put("heapMaxBytes", heap.getMax());
    jvm.put("inputArguments", runtime.getInputArguments());
    jvm.put("redefineClassesSupported", context.instrumentation().isRedefineClassesSupported());
    jvm.put("retransformClassesSupported", context.instrumentation().isRetransformClassesSupported());

    Map<String, Object> agent = new LinkedHashMap<>();
    agent.put("version", Version.current());
    agent.put("mode", context.mode());
    agent.put("startedAt", context.startedAt().toString());
    agent.put("activeChanges", context.ledger().liveCount());
    // The probe dispatcher's table: bounded by the most probe sites at once, which a soak checks.
    agent.put("probeSlots", context.probes().dispatcher().slots());
    if (context.controller() != null) {
      agent.put("controller", context.controller().get());
    }

    Map<String, Object> info = new LinkedHashMap<>();
    info.put("jvm", jvm);
    info.put("agent", agent);
    return info;
  }

  /** The main class as the launcher recorded it, or the jar for {@code java -jar}. */
  static String mainClass() {
    String command = System.getProperty("sun.java.command", "");
    int space = command.indexOf(' ');
    return space < 0 ? command : command.substring(0, space);
  }
}

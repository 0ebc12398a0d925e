package dev.jlive.agent.inspect;

import dev.jlive.agent.AgentContext;
import dev.jlive.protocol.Version;
import dev.jlive.protocol.inspect.RuntimeInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;

/** What {@code jlive info} shows: the JVM, and the agent inside it. */
public final class JvmInfo {
  private JvmInfo() {}

  public static RuntimeInfo describe(AgentContext context) {
    RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    RuntimeInfo.Jvm jvm =
        new RuntimeInfo.Jvm(
            ProcessHandle.current().pid(),
            mainClass(),
            runtime.getVmName(),
            runtime.getVmVendor(),
            System.getProperty("java.version"),
            System.getProperty("java.home"),
            Runtime.version().feature(),
            runtime.getUptime(),
            runtime.getStartTime(),
            Runtime.getRuntime().availableProcessors(),
            heap.getUsed(),
            heap.getMax(),
            runtime.getInputArguments(),
            context.instrumentation().isRedefineClassesSupported(),
            context.instrumentation().isRetransformClassesSupported());
    RuntimeInfo.Agent agent =
        new RuntimeInfo.Agent(
            Version.current(),
            context.mode(),
            context.startedAt(),
            context.ledger().liveCount(),
            context.probes().dispatcher().slots(),
            context.probes().dispatcher().inUse(),
            context.controller() == null ? null : context.controller().get());
    return new RuntimeInfo(jvm, agent);
  }

  /** The main class as the launcher recorded it, or the jar for {@code java -jar}. */
  static String mainClass() {
    String command = System.getProperty("sun.java.command", "");
    int space = command.indexOf(' ');
    return space < 0 ? command : command.substring(0, space);
  }
}

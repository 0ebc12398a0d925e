package dev.jlive.agent;

import dev.jlive.bridge.JLiveBridge;
import dev.jlive.protocol.RuntimeDirectory;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The core's entry point, called reflectively by the launcher inside the agent's class loader. */
public final class AgentRuntime {
  private AgentRuntime() {}

  /**
   * The entry of launchers before issue 16: the application's class loader keeps the launcher of
   * the first jlive jar ever loaded into a JVM, so an older launcher may start this core.
   */
  public static void start(
      Instrumentation instrumentation, String options, String mode, String agentJar) {
    start(instrumentation, options, mode, agentJar, "launcher not timed", System.nanoTime());
  }

  /**
   * Starts the agent unless one runs already.
   *
   * @param mode how the agent came in: {@code javaagent}, {@code attach} or {@code library}
   */
  public static void start(
      Instrumentation instrumentation,
      String options,
      String mode,
      String agentJar,
      String launcherPhases,
      long launchedNanos) {
    Path runtimeDir = RuntimeDirectory.resolve();
    try {
      StartPhases phases = new StartPhases(launcherPhases, launchedNanos);
      AgentOptions parsed = AgentOptions.parse(options);
      runtimeDir = RuntimeDirectory.ensure(parsed.runtimeDir());
      StartFailure.clear(runtimeDir);
      phases.mark("options");
      start(instrumentation, parsed, mode, Paths.get(agentJar), runtimeDir, phases);
    } catch (Throwable t) {
      // Never thrown back: the JVM would print it on the application's stderr (attach) or
      // refuse to start the application (-javaagent). The attaching tool reads the failure file.
      StartFailure.record(runtimeDir, t);
      if (mode.equals("javaagent")) {
        System.err.println("jlive: agent not started: " + StartFailure.describe(t));
      }
    }
  }

  private static void start(
      Instrumentation instrumentation,
      AgentOptions parsed,
      String mode,
      Path agentJar,
      Path runtimeDir,
      StartPhases phases)
      throws Exception {
    BootBridge.ensureInstalled(instrumentation, agentJar, runtimeDir);
    phases.mark("bridge");
    Agent agent = new Agent(instrumentation, parsed, mode, agentJar);
    phases.mark("engines");
    if (JLiveBridge.claim(agent) != agent) {
      return;
    }
    try {
      agent.start(phases);
    } catch (Exception | Error e) {
      agent.stop();
      throw e;
    }
  }
}

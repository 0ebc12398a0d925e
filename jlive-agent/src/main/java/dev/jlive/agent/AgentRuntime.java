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
   * Starts the agent unless one runs already.
   *
   * @param mode how the agent came in: {@code javaagent}, {@code attach} or {@code library}
   */
  public static void start(Instrumentation instrumentation, String options, String mode, String agentJar) throws Exception {
    AgentOptions parsed = AgentOptions.parse(options);
    Path runtimeDir = RuntimeDirectory.ensure(parsed.runtimeDir());
    BootBridge.ensureInstalled(instrumentation, Paths.get(agentJar), runtimeDir);
    Agent agent = new Agent(instrumentation, parsed, mode);
    if (JLiveBridge.claim(agent) != agent) {
      return;
    }
    try {
      agent.start();
    } catch (Exception | Error e) {
      agent.stop();
      throw e;
    }
  }
}

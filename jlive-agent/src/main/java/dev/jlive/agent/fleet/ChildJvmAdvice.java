package dev.jlive.agent.fleet;

import dev.jlive.bridge.JLiveBridge;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * Woven into {@code ProcessBuilder.start}: asks the agent, through the bridge, for the command a
 * child JVM should run (the same one with the agent added) and puts the builder's own command back
 * once the process started or failed to. A process that does not get this agent (a script, a tool,
 * a JVM with a jlive agent of its own) starts without the controller token of this process's
 * environment, so the token reaches only children that join the same service; the builder gets it
 * back afterwards. Every failure is suppressed: starting a process behaves as without the agent
 * then.
 */
final class ChildJvmAdvice {
  private ChildJvmAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static Object[] enter(@Advice.This ProcessBuilder builder) {
    List<String> command = builder.command();
    List<String> changed = JLiveBridge.childCommand(command);
    if (changed == null) {
      // The literal, not FleetApi's constant: advice code runs inside java.base and may name only
      // what the boot loader sees.
      String token = builder.environment().remove("JLIVE_CONTROLLER_TOKEN");
      return token == null ? null : new Object[] {null, token};
    }
    builder.command(changed);
    return new Object[] {command, null};
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  @SuppressWarnings("unchecked")
  static void exit(@Advice.This ProcessBuilder builder, @Advice.Enter Object[] saved) {
    if (saved == null) {
      return;
    }
    if (saved[0] != null) {
      builder.command((List<String>) saved[0]);
    }
    if (saved[1] != null) {
      builder.environment().put("JLIVE_CONTROLLER_TOKEN", (String) saved[1]);
    }
  }
}

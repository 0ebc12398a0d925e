package dev.jlive.agent.fleet;

import dev.jlive.bridge.JLiveBridge;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * Woven into {@code ProcessBuilder.start}: asks the agent, through the bridge, for the command a
 * child JVM should run (the same one with the agent added) and puts the builder's own command back
 * once the process started or failed to. Every failure is suppressed: starting a process behaves as
 * without the agent then.
 */
final class ChildJvmAdvice {
  private ChildJvmAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static List<String> enter(@Advice.This ProcessBuilder builder) {
    List<String> command = builder.command();
    List<String> changed = JLiveBridge.childCommand(command);
    if (changed == null) {
      return null;
    }
    builder.command(changed);
    return command;
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  static void exit(@Advice.This ProcessBuilder builder, @Advice.Enter List<String> original) {
    if (original != null) {
      builder.command(original);
    }
  }
}

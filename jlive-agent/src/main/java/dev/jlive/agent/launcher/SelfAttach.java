package dev.jlive.agent.launcher;

import com.sun.tools.attach.VirtualMachine;

/**
 * Loads the agent into another JVM: the helper process behind {@code JLive.start()}, since a JVM
 * may not attach to itself unless started with {@code -Djdk.attach.allowAttachSelf=true}.
 *
 * <p>Usage: {@code java -cp jlive-agent.jar dev.jlive.agent.launcher.SelfAttach <pid> <jar>
 * <options>}. Exit code 0 when the agent loaded; otherwise 1 with the reason on stderr.
 */
public final class SelfAttach {
  private SelfAttach() {}

  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: SelfAttach <pid> <agent jar> [options]");
      System.exit(2);
    }
    try {
      VirtualMachine vm = VirtualMachine.attach(args[0]);
      try {
        vm.loadAgent(args[1], args.length > 2 ? args[2] : "");
      } finally {
        vm.detach();
      }
    } catch (Exception e) {
      System.err.println(e);
      System.exit(1);
    }
  }
}

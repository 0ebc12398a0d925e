package dev.jlive.agent.probe;

import dev.jlive.bridge.JLiveBridge;
import java.lang.invoke.CallSite;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * A bootstrap method of the bridge that woven code's {@code invokedynamic} links with the probe's
 * slot: {@code static CallSite name(Lookup, String, MethodType, int)} on {@link JLiveBridge}.
 */
final class BridgeBootstrap {
  private static final MethodType TYPE =
      MethodType.methodType(
          CallSite.class, MethodHandles.Lookup.class, String.class, MethodType.class, int.class);

  private BridgeBootstrap() {}

  /** The bootstrap method {@code name}, as the {@code invokedynamic} instruction names it. */
  static Handle handle(String name) {
    return new Handle(
        Opcodes.H_INVOKESTATIC,
        Type.getInternalName(JLiveBridge.class),
        name,
        TYPE.toMethodDescriptorString(),
        false);
  }

  /** True when this JVM's bridge has it: a bridge left by an older agent may not. */
  static boolean present(String name) {
    try {
      JLiveBridge.class.getMethod(name, TYPE.parameterArray());
      return true;
    } catch (NoSuchMethodException older) {
      return false;
    }
  }
}

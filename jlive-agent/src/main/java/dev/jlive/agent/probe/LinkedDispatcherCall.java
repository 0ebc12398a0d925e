package dev.jlive.agent.probe;

import dev.jlive.bridge.JLiveBridge;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.bytecode.StackManipulation;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * What {@link ProbeAdvice} reads as its {@link LinkedDispatcher} parameter: an {@code
 * invokedynamic} linked once by {@link JLiveBridge#probeDispatcher} to the {@link SiteDispatcher}
 * of this probe site, so the woven code reaches its probe with no lookup by slot, and C2, to which
 * the linked call site is a constant, folds the dispatcher's type and site into the woven method. A
 * class file older than Java 7 cannot hold an {@code invokedynamic}, and a bridge left by an older
 * agent cannot link one: there the parameter reads {@code JLiveBridge.dispatcher()}, and the
 * dispatcher finds the site by its slot.
 */
final class LinkedDispatcherCall implements Advice.OffsetMapping {
  private static final String DISPATCHER = Type.getDescriptor(JLiveBridge.Dispatcher.class);

  private static final Handle BOOTSTRAP = BridgeBootstrap.handle("probeDispatcher");

  /**
   * Whether this JVM's bridge links the call; false also when {@code jlive.probe.linkSites=false}
   * (the benchmark's control: the same build reading the bridge's dispatcher).
   */
  static final boolean LINKS =
      bridgeLinks() && Boolean.parseBoolean(System.getProperty("jlive.probe.linkSites", "true"));

  private final int slot;

  LinkedDispatcherCall(int slot) {
    this.slot = slot;
  }

  private static boolean bridgeLinks() {
    return BridgeBootstrap.present("probeDispatcher");
  }

  @Override
  public Target resolve(
      TypeDescription instrumentedType,
      MethodDescription instrumentedMethod,
      Assigner assigner,
      Advice.ArgumentHandler arguments,
      Sort sort) {
    return new Target.ForStackManipulation(new Read());
  }

  /** Writes the {@code invokedynamic} that answers the dispatcher of {@code slot}'s site. */
  static void emitLink(MethodVisitor visitor, int slot) {
    visitor.visitInvokeDynamicInsn("dispatcher", "()" + DISPATCHER, BOOTSTRAP, slot);
  }

  private final class Read extends StackManipulation.AbstractBase {
    @Override
    public Size apply(MethodVisitor visitor, Implementation.Context context) {
      if (LINKS && context.getClassFileVersion().isAtLeast(ClassFileVersion.JAVA_V7)) {
        emitLink(visitor, slot);
      } else {
        visitor.visitMethodInsn(
            Opcodes.INVOKESTATIC,
            Type.getInternalName(JLiveBridge.class),
            "dispatcher",
            "()" + DISPATCHER,
            false);
      }
      return new Size(1, 1);
    }
  }
}

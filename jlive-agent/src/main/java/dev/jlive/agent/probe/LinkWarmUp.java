package dev.jlive.agent.probe;

import dev.jlive.bridge.JLiveBridge;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Links one probe call site off the application's threads when the agent starts, so that the first
 * probed call in the JVM does not pay for the JDK's {@code invokedynamic} machinery: the first link
 * of a {@link LinkedDispatcherCall} in a JVM took about 5 to 8 ms on the calling thread, later ones
 * about 0.2 ms (docs/BENCHMARKS.md, section 50).
 *
 * <p>It defines a hidden class whose one method holds the same {@code invokedynamic} as woven probe
 * code, with a slot no site has (so the bridge links a call site that answers null), and calls it
 * once. Nothing is registered; the class can be unloaded with the agent's loader.
 */
final class LinkWarmUp {
  /** A slot that names no site: its index is past any table. */
  static final int NO_SITE = -1;

  private LinkWarmUp() {}

  /**
   * Links and calls the warm-up's call site, then makes and calls a site's link aside ({@link
   * ProbeDispatcher#linkAside}); returns what the call site answered (null).
   */
  static Object run(ProbeDispatcher dispatcher) throws Throwable {
    MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClass(classFile(), true);
    Object answered =
        hidden
            .findStatic(
                hidden.lookupClass(),
                "dispatcher",
                MethodType.methodType(JLiveBridge.Dispatcher.class))
            .invoke();
    dispatcher.linkAside();
    return answered;
  }

  private static byte[] classFile() {
    String name = Type.getInternalName(LinkWarmUp.class) + "$Site";
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS | ClassWriter.COMPUTE_FRAMES);
    writer.visit(
        Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
    MethodVisitor method =
        writer.visitMethod(
            Opcodes.ACC_STATIC,
            "dispatcher",
            "()" + Type.getDescriptor(JLiveBridge.Dispatcher.class),
            null,
            null);
    method.visitCode();
    LinkedDispatcherCall.emitLink(method, NO_SITE);
    method.visitInsn(Opcodes.ARETURN);
    method.visitMaxs(0, 0);
    method.visitEnd();
    writer.visitEnd();
    return writer.toByteArray();
  }
}

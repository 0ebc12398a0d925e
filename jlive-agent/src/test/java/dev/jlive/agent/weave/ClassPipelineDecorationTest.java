package dev.jlive.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.agent.safepoint.Gates;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntSupplier;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.tree.ClassNode;

/**
 * The pipeline weaves by decorating a class rather than redefining it, which skips Byte Buddy's
 * rebuilding of every method and costs much less (BENCHMARKS.md, section 55): the woven class must
 * be the one a redefinition with the same settings makes, for the gate and for advice with an
 * exception handler on methods, constructors and a static initialiser.
 */
class ClassPipelineDecorationTest {
  private final ClassPipeline pipeline = new ClassPipeline(null, System.getLogger("test"));

  /** Constructors, a static initialiser, a loop, a handler, a lambda and a static method. */
  static final class Target {
    static final List<String> SEEN = new ArrayList<>();

    static {
      SEEN.add("loaded");
    }

    private final int base;

    Target(int base) {
      this.base = base;
    }

    long total(int[] quantities) {
      long total = base;
      for (int quantity : quantities) {
        try {
          total += Math.addExact(quantity, 1);
        } catch (ArithmeticException e) {
          SEEN.add("overflow");
        }
      }
      return total;
    }

    IntSupplier later() {
      return () -> base * 2;
    }

    static String describe(double ratio, long big, boolean flag) {
      return ratio + "/" + big + "/" + flag;
    }
  }

  /** Advice that reads arguments and the result and catches what the method throws. */
  static final class Watching {
    @Advice.OnMethodEnter
    static long enter(@Advice.AllArguments Object[] arguments) {
      return arguments.length;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit(
        @Advice.Enter long count,
        @Advice.Return(
                typing = net.bytebuddy.implementation.bytecode.assign.Assigner.Typing.DYNAMIC)
            Object result,
        @Advice.Thrown Throwable thrown) {
      Target.SEEN.add(count + " " + result + " " + thrown);
    }
  }

  /** Constructor advice cannot catch what the constructor throws. */
  static final class Entering {
    @Advice.OnMethodEnter
    static void enter(@Advice.AllArguments Object[] arguments) {
      Target.SEEN.add("new " + arguments.length);
    }
  }

  private final byte[] base = ClassFileLocator.ForClassLoader.read(Target.class);

  @Test
  void theGateIsWovenAsARedefinitionWeavesIt() {
    AsmVisitorWrapper gate = Gates.warmUpWeaving("total", "([I)J");
    assertSameClass(pipeline.weaveAside(Target.class, base, gate), redefined(gate));
  }

  @Test
  void adviceOnEveryKindOfMethodIsWovenAsARedefinitionWeavesIt() {
    AsmVisitorWrapper advice =
        new AsmVisitorWrapper.Compound(
            Advice.to(Watching.class).on(ElementMatchers.isMethod()),
            Advice.to(Entering.class).on(ElementMatchers.isConstructor()),
            Advice.to(Watching.class).on(ElementMatchers.isTypeInitializer()));
    byte[] decorated = pipeline.weaveAside(Target.class, base, advice);
    assertThat(decorated).isNotEqualTo(base);
    assertSameClass(decorated, redefined(advice));
  }

  /**
   * Equal but for the order of the InnerClasses attribute's entries, which means nothing to the
   * JVM: a redefinition rebuilds it from Byte Buddy's description of the type, a decoration keeps
   * the order javac wrote, which is the running class's.
   */
  private void assertSameClass(byte[] decorated, byte[] redefined) {
    assertThat(innerClassNames(decorated)).isEqualTo(innerClassNames(base));
    assertThat(normalised(decorated)).isEqualTo(normalised(redefined));
  }

  private static List<String> innerClassNames(byte[] bytes) {
    ClassNode node = new ClassNode();
    new ClassReader(bytes).accept(node, 0);
    return node.innerClasses.stream().map(inner -> inner.name).toList();
  }

  /** The class written afresh with its inner classes sorted by name. */
  private static byte[] normalised(byte[] bytes) {
    ClassNode node = new ClassNode();
    new ClassReader(bytes).accept(node, 0);
    node.innerClasses.sort(Comparator.comparing(inner -> inner.name));
    ClassWriter writer = new ClassWriter(0);
    node.accept(writer);
    return writer.toByteArray();
  }

  /** The woven bytes as the pipeline made them before: a redefinition, then the same rewrite. */
  private byte[] redefined(AsmVisitorWrapper visitor) {
    ClassFileLocator locator =
        new ClassFileLocator.Compound(
            ClassFileLocator.Simple.of(Target.class.getName(), base),
            ClassFileLocator.ForClassLoader.of(Target.class.getClassLoader()));
    TypePool pool = TypePool.Default.WithLazyResolution.of(locator);
    return CatchAnyThrowable.rewrite(
        ClassPipeline.Weaver.BYTE_BUDDY
            .redefine(pool.describe(Target.class.getName()).resolve(), locator)
            .visit(visitor)
            .make(pool)
            .getBytes());
  }
}

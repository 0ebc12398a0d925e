package dev.jlive.bench.weave;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.VisibilityBridgeStrategy;
import net.bytebuddy.dynamic.scaffold.InstrumentedType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One weaving of a class the way the agent's class pipeline makes it (the same Byte Buddy settings,
 * a fresh type pool over the class's bytes, advice with an exception handler on its methods), by
 * redefining the class, as the pipeline did until issue 16's section 55, or by decorating it, as it
 * does now. Byte Buddy here is the project's version, not relocated.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class WeaveModes {
  /** The pipeline's settings (ClassPipeline.Weaver). */
  static final ByteBuddy BYTE_BUDDY =
      new ByteBuddy(ClassFileVersion.ofThisVm(ClassFileVersion.JAVA_V17))
          .with(TypeValidation.DISABLED)
          .with(Implementation.Context.Disabled.Factory.INSTANCE)
          .with(InstrumentedType.Factory.Default.FROZEN)
          .with(VisibilityBridgeStrategy.Default.NEVER)
          .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE)
          .ignore(ElementMatchers.none());

  @Param({"redefine", "decorate"})
  public String mode;

  /** Advice on one method, as a gate or a probe on one method is; or on every method. */
  @Param({"one-method", "every-method"})
  public String methods;

  private byte[] bytes;
  private AsmVisitorWrapper advice;

  /** A class of a dozen methods: loops, handlers, a lambda. */
  public static final class Cart {
    private final List<String> items = new ArrayList<>();
    private long total;

    public void add(String item, int quantity, long price) {
      for (int i = 0; i < quantity; i++) {
        items.add(item);
      }
      total += quantity * price;
    }

    public long total() {
      return total;
    }

    public int count(String item) {
      int count = 0;
      for (String each : items) {
        if (each.equals(item)) {
          count++;
        }
      }
      return count;
    }

    public long discounted(int percent) {
      try {
        return Math.multiplyExact(total, 100 - percent) / 100;
      } catch (ArithmeticException e) {
        return Long.MAX_VALUE;
      }
    }

    public List<String> sorted() {
      List<String> copy = new ArrayList<>(items);
      copy.sort((a, b) -> b.compareTo(a));
      return copy;
    }

    public String describe(double ratio, boolean flag) {
      return items.size() + "/" + total + "/" + ratio + "/" + flag;
    }

    public static int parse(String text) {
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    public void clear() {
      items.clear();
      total = 0;
    }
  }

  /** Reads the arguments and the result, and sees what the method throws. */
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
      if (thrown != null && count < 0) {
        throw new IllegalStateException(String.valueOf(result));
      }
    }
  }

  @Setup
  public void read() {
    bytes = ClassFileLocator.ForClassLoader.read(Cart.class);
    advice =
        Advice.to(Watching.class)
            .on(
                methods.equals("one-method")
                    ? ElementMatchers.named("discounted")
                    : ElementMatchers.isMethod());
  }

  @Benchmark
  public byte[] weave() {
    ClassFileLocator locator =
        new ClassFileLocator.Compound(
            ClassFileLocator.Simple.of(Cart.class.getName(), bytes),
            ClassFileLocator.ForClassLoader.of(Cart.class.getClassLoader()));
    TypePool pool = TypePool.Default.WithLazyResolution.of(locator);
    DynamicType.Builder<?> builder =
        mode.equals("decorate")
            ? BYTE_BUDDY.decorate(pool.describe(Cart.class.getName()).resolve(), locator)
            : BYTE_BUDDY.redefine(pool.describe(Cart.class.getName()).resolve(), locator);
    return builder.visit(advice).make(pool).getBytes();
  }
}

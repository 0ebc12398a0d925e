package dev.jlive.agent.safepoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.agent.testing.ClassFixtures;
import dev.jlive.agent.testing.GateOnlyDispatcher;
import dev.jlive.agent.weave.ClassPipeline;
import dev.jlive.bridge.JLiveBridge;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.matcher.ElementMatchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * The gate written as bytecode ({@link GateCode}) on methods of every shape: each primitive type as
 * parameter and result, references, arrays, void, an instance method, a synchronized one, a loop at
 * offset 0, several returns, a method that only throws, and one whose own handler must keep
 * catching first. The woven class passes ASM's verifier and the JVM's; with the gate open each
 * method answers what the unwoven class answers (the control) and enters and leaves the gate once
 * per call, also when it throws; with a re-invoker, the body is skipped and the method answers, or
 * throws, what the re-invocation did, with its receiver and arguments. And the same with a probe's
 * Byte Buddy advice woven inside and outside the gate.
 */
class GateCodeTest {
  private static final int GATE = 70_000;
  private static final int VERSION = 300;

  private static final String SOURCE =
      """
      package fx;
      public class Shapes {
        private int field = 3;
        public static int mixed(int a, long b, double c, float d, short e, byte f, char g, boolean h) {
          return a + (int) b + (int) c + (int) d + e + f + g + (h ? 1 : 0);
        }
        public static long twiceLong(long x) { return x * 2; }
        public static double half(double x) { return x / 2; }
        public static float third(float x) { return x / 3; }
        public static boolean not(boolean b) { return !b; }
        public static char next(char c) { return (char) (c + 1); }
        public static byte low(int x) { return (byte) x; }
        public static short shortOf(int x) { return (short) x; }
        public String describe(String s, int[] values) {
          if (s == null) {
            return "none";
          }
          StringBuilder b = new StringBuilder(s);
          for (int value : values) {
            b.append(value);
          }
          return b.toString();
        }
        public static void record(java.util.List<String> out, String what) { out.add(what); }
        public static int[] array(int n) { return new int[n]; }
        public static int parsed(String s) {
          try {
            return Integer.parseInt(s);
          } catch (NumberFormatException e) {
            return -1;
          }
        }
        public static int fails(String why) throws java.io.IOException {
          throw new java.io.IOException(why);
        }
        public synchronized int locked(int x) { return x + field; }
        public static int down(int n) {
          while (n > 10) {
            n--;
          }
          return n;
        }
      }
      """;

  /** A call of each method: its name, parameter types and arguments. */
  private record Call(String name, Class<?>[] types, Object... args) {}

  private static final List<Call> CALLS =
      List.of(
          new Call(
              "mixed",
              new Class<?>[] {
                int.class,
                long.class,
                double.class,
                float.class,
                short.class,
                byte.class,
                char.class,
                boolean.class
              },
              1,
              2L,
              3.5,
              4.5f,
              (short) 5,
              (byte) 6,
              'a',
              true),
          new Call("twiceLong", new Class<?>[] {long.class}, 21_000_000_000L),
          new Call("half", new Class<?>[] {double.class}, 5.0),
          new Call("third", new Class<?>[] {float.class}, 9f),
          new Call("not", new Class<?>[] {boolean.class}, false),
          new Call("next", new Class<?>[] {char.class}, 'x'),
          new Call("low", new Class<?>[] {int.class}, 300),
          new Call("shortOf", new Class<?>[] {int.class}, 70_000),
          new Call("describe", new Class<?>[] {String.class, int[].class}, "n", new int[] {1, 2}),
          new Call("describe", new Class<?>[] {String.class, int[].class}, null, new int[0]),
          new Call("record", new Class<?>[] {List.class, String.class}, new ArrayList<>(), "w"),
          new Call("array", new Class<?>[] {int.class}, 3),
          new Call("parsed", new Class<?>[] {String.class}, "42"),
          new Call("parsed", new Class<?>[] {String.class}, "not a number"),
          new Call("fails", new Class<?>[] {String.class}, "because"),
          new Call("locked", new Class<?>[] {int.class}, 4),
          new Call("down", new Class<?>[] {int.class}, 30));

  private final Recorder recorder = new Recorder();

  @AfterEach
  void noDispatcher() {
    JLiveBridge.dispatchTo(null);
  }

  @Test
  void anOpenGateRunsTheBodyAndIsLeftOncePerCall() throws Exception {
    Class<?> control =
        ClassFixtures.define("fx.Shapes", ClassFixtures.compile("fx.Shapes", SOURCE));
    Class<?> gated = load(woven(control, List.of()));
    Object controlInstance = control.getConstructor().newInstance();
    Object gatedInstance = gated.getConstructor().newInstance();
    JLiveBridge.dispatchTo(recorder);

    for (Call call : CALLS) {
      int entered = recorder.entered.size();
      Object expected = outcome(control, controlInstance, call);
      Object actual = outcome(gated, gatedInstance, call);
      assertThat(render(actual)).as(call.name()).isEqualTo(render(expected));
      assertThat(recorder.entered.subList(entered, recorder.entered.size()))
          .as("gate entries of " + call.name())
          .containsExactly(List.of(GATE, indexOf(call.name()), VERSION));
      assertThat(recorder.exited.get())
          .as("gate exits after " + call.name())
          .isEqualTo(entered + 1);
    }
    // The method's own handler caught first: the gate's catch-all comes after it.
    assertThat(outcome(gated, gatedInstance, CALLS.get(13))).isEqualTo(-1);
    assertThat(outcome(gated, gatedInstance, CALLS.get(14))).isInstanceOf(IOException.class);
  }

  @Test
  void aReinvokerSkipsTheBodyAndItsAnswerIsTheMethods() throws Exception {
    Class<?> control =
        ClassFixtures.define("fx.Shapes", ClassFixtures.compile("fx.Shapes", SOURCE));
    Class<?> gated = load(woven(control, List.of()));
    Object instance = gated.getConstructor().newInstance();
    JLiveBridge.dispatchTo(recorder);
    recorder.reinvoker = REINVOKED;

    List<Object> answers =
        List.of(9, 8L, 7.5, 6.5f, true, 'q', (byte) 5, (short) 4, "new", new int[] {7});
    String[] methods = {
      "mixed", "twiceLong", "half", "third", "not", "next", "low", "shortOf", "describe", "array"
    };
    for (int i = 0; i < methods.length; i++) {
      Call call = callOf(methods[i]);
      Reinvoked.answer = answers.get(i);
      Reinvoked.failure = null;
      assertThat(render(outcome(gated, instance, call)))
          .as(call.name())
          .isEqualTo(render(answers.get(i)));
      boolean isStatic = !call.name().equals("describe");
      assertThat(Reinvoked.self)
          .as("receiver of " + call.name())
          .isSameAs(isStatic ? null : instance);
      assertThat(render(Reinvoked.args))
          .as("arguments of " + call.name())
          .isEqualTo(render(call.args()));
    }

    // A void method: the body (which adds to the list) does not run, the re-invocation does.
    List<String> out = new ArrayList<>();
    Reinvoked.answer = null;
    assertThat(outcome(gated, instance, new Call("record", callOf("record").types(), out, "w")))
        .isNull();
    assertThat(out).isEmpty();
    assertThat(Reinvoked.args).containsExactly(out, "w");

    // What the re-invocation throws, the method throws, checked or not.
    Reinvoked.failure = new IOException("from the new code");
    assertThat(outcome(gated, instance, callOf("describe"))).isSameAs(Reinvoked.failure);
    Reinvoked.failure = new IllegalStateException("also from the new code");
    assertThat(outcome(gated, instance, callOf("fails"))).isSameAs(Reinvoked.failure);

    assertThat(recorder.exited.get()).as("a skipped body does not leave the gate").isZero();
  }

  @Test
  void theGateAndAProbesAdviceWovenTogetherInEitherOrder() throws Exception {
    Class<?> control =
        ClassFixtures.define("fx.Shapes", ClassFixtures.compile("fx.Shapes", SOURCE));
    Object controlInstance = control.getConstructor().newInstance();
    for (boolean probeOutside : new boolean[] {true, false}) {
      Class<?> gated = load(woven(control, List.of(probeOutside)));
      Object instance = gated.getConstructor().newInstance();
      JLiveBridge.dispatchTo(recorder);
      Counting.CALLS.set(0);
      Counting.THROWN.set(0);
      int exits = recorder.exited.get();
      for (Call call : CALLS) {
        assertThat(render(outcome(gated, instance, call)))
            .as(call.name() + (probeOutside ? ", probe outside" : ", probe inside"))
            .isEqualTo(render(outcome(control, controlInstance, call)));
      }
      assertThat(Counting.CALLS.get()).isEqualTo(CALLS.size());
      assertThat(Counting.THROWN.get()).as("fails").isEqualTo(1);
      assertThat(recorder.exited.get() - exits).isEqualTo(CALLS.size());
    }
  }

  /**
   * A return that leaves a value on the stack under the one it returns, as Kotlin's suspend
   * functions do ({@code dup}, compare, return the other): {@code pick(a, b)} returns b when a ==
   * b, with a still on the stack, else a. The gate leaves at each return in place, so the woven
   * method verifies and the extra value goes with the frame, as it did unwoven.
   */
  @Test
  void aReturnWithMoreOnTheStackLeavesTheGate() throws Exception {
    ClassWriter writer = new ClassWriter(0);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "fx/Stacked", null, "java/lang/Object", null);
    MethodVisitor pick =
        writer.visitMethod(
            Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC,
            "pick",
            "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;",
            null,
            null);
    pick.visitCode();
    Label other = new Label();
    pick.visitVarInsn(Opcodes.ALOAD, 0);
    pick.visitInsn(Opcodes.DUP);
    pick.visitVarInsn(Opcodes.ALOAD, 1);
    pick.visitJumpInsn(Opcodes.IF_ACMPNE, other);
    pick.visitVarInsn(Opcodes.ALOAD, 1);
    pick.visitInsn(Opcodes.ARETURN);
    pick.visitLabel(other);
    Object[] locals = {"java/lang/Object", "java/lang/Object"};
    pick.visitFrame(Opcodes.F_NEW, 2, locals, 1, new Object[] {"java/lang/Object"});
    pick.visitInsn(Opcodes.ARETURN);
    pick.visitMaxs(3, 2);
    pick.visitEnd();
    writer.visitEnd();
    byte[] base = writer.toByteArray();
    Class<?> control = ClassFixtures.define("fx.Stacked", base);

    byte[] woven =
        new ClassPipeline(null, System.getLogger("test"))
            .weaveAside(
                control,
                base,
                Gates.weaving(
                    GATE,
                    VERSION,
                    1,
                    "pick",
                    "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;"));
    StringWriter problems = new StringWriter();
    CheckClassAdapter.verify(
        new ClassReader(woven), getClass().getClassLoader(), false, new PrintWriter(problems));
    assertThat(problems.toString()).isEmpty();
    Method gatedPick =
        ClassFixtures.define("fx.Stacked", woven).getMethod("pick", Object.class, Object.class);
    JLiveBridge.dispatchTo(recorder);
    assertThat(gatedPick.invoke(null, "a", "a")).isEqualTo("a");
    assertThat(gatedPick.invoke(null, "a", "b")).isEqualTo("a");
    assertThat(recorder.entered).hasSize(2);
    assertThat(recorder.exited.get()).isEqualTo(2);
  }

  /**
   * The class woven with one gate on each method (method index: its place in the source), and a
   * counting advice on each too when {@code probe} holds a value: true weaves it outside the gate.
   */
  private byte[] woven(Class<?> control, List<Boolean> probe) throws Exception {
    byte[] base = ClassFixtures.compile("fx.Shapes", SOURCE);
    List<AsmVisitorWrapper> visitors = new ArrayList<>();
    for (Method method : control.getDeclaredMethods()) {
      visitors.add(
          Gates.weaving(
              GATE,
              VERSION,
              indexOf(method.getName()),
              method.getName(),
              MethodType.methodType(method.getReturnType(), method.getParameterTypes())
                  .toMethodDescriptorString()));
    }
    if (!probe.isEmpty()) {
      AsmVisitorWrapper counting =
          Advice.to(Counting.class).on(ElementMatchers.isMethod().and(ElementMatchers.isPublic()));
      // The last visitor of a compound sees the class first: its code ends up outermost.
      if (probe.get(0)) {
        visitors.add(counting);
      } else {
        visitors.add(0, counting);
      }
    }
    byte[] woven =
        new ClassPipeline(null, System.getLogger("test"))
            .weaveAside(control, base, new AsmVisitorWrapper.Compound(visitors));
    StringWriter problems = new StringWriter();
    CheckClassAdapter.verify(
        new ClassReader(woven), getClass().getClassLoader(), false, new PrintWriter(problems));
    assertThat(problems.toString()).isEmpty();
    return woven;
  }

  private static Class<?> load(byte[] woven) throws ClassNotFoundException {
    return ClassFixtures.define("fx.Shapes", woven);
  }

  private static int indexOf(String method) {
    return SOURCE.indexOf(" " + method + "(");
  }

  private static Call callOf(String name) {
    return CALLS.stream().filter(call -> call.name().equals(name)).findFirst().orElseThrow();
  }

  /** What the call returned, or what it threw. */
  private static Object outcome(Class<?> type, Object instance, Call call) throws Exception {
    Method method = type.getMethod(call.name(), call.types());
    try {
      return method.invoke(instance, call.args());
    } catch (InvocationTargetException e) {
      return e.getCause();
    }
  }

  private static String render(Object value) {
    if (value instanceof Throwable failure) {
      return failure.getClass().getName() + ": " + failure.getMessage();
    }
    if (value instanceof Object[] array) {
      return Arrays.deepToString(array);
    }
    if (value instanceof int[] array) {
      return Arrays.toString(array);
    }
    return value == null ? "null" : value.getClass().getName() + " " + value;
  }

  private static final MethodHandle REINVOKED;

  static {
    try {
      REINVOKED =
          MethodHandles.lookup()
              .findStatic(
                  Reinvoked.class,
                  "call",
                  MethodType.methodType(Object.class, Object.class, Object[].class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The re-invoker the recorder hands out: records what it was given, answers or throws. */
  static final class Reinvoked {
    static volatile Object answer;
    static volatile Throwable failure;
    static volatile Object self;
    static volatile Object[] args;

    static Object call(Object receiver, Object[] arguments) throws Throwable {
      self = receiver;
      args = arguments;
      if (failure != null) {
        throw failure;
      }
      return answer;
    }
  }

  /** A probe's advice: counts calls and calls that threw. Public: inlined into {@code fx}. */
  public static final class Counting {
    public static final AtomicInteger CALLS = new AtomicInteger();
    public static final AtomicInteger THROWN = new AtomicInteger();

    @Advice.OnMethodEnter
    static long enter() {
      return System.nanoTime();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit(@Advice.Enter long start, @Advice.Thrown Throwable thrown) {
      CALLS.incrementAndGet();
      if (thrown != null) {
        THROWN.incrementAndGet();
      }
    }
  }

  /** Records the gate's entries and exits; answers entries with {@link #reinvoker}. */
  private static final class Recorder extends GateOnlyDispatcher {
    final List<List<Integer>> entered = new ArrayList<>();
    final AtomicInteger exited = new AtomicInteger();
    volatile Object reinvoker;

    @Override
    public Object gateEnter(int gate, int method, int version) {
      entered.add(List.of(gate, method, version));
      return reinvoker;
    }

    @Override
    public void gateExit(int gate) {
      // Counted only for the right gate: the bridge fences what a dispatcher throws.
      if (gate == GATE) {
        exited.incrementAndGet();
      }
    }
  }
}

package dev.jlive.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.bridge.JLiveBridge;
import dev.jlive.protocol.probe.ProbeSpec;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The advice for Kotlin suspend functions that hands the dispatcher only the continuation ({@link
 * ProbeAdvice.SuspendEntry}, {@link ProbeAdvice.SuspendTimed}), woven into a class shaped as Kotlin
 * compiles one ({@code Object quote(int, int, Continuation)} with a continuation class {@code
 * Quotes$quote$1} whose {@code label} has its sign bit set on a resume), and run in this JVM with
 * the bridge routing to a real dispatcher. KotlinAppTest runs the same advice on a real coroutine
 * service.
 */
class SuspendAdviceTest {
  private static final String QUOTES = "dev.example.Quotes";
  private static final String SUSPEND_DESCRIPTOR =
      "(IILkotlin/coroutines/Continuation;)Ljava/lang/Object;";

  private final CoarseClock clock = new CoarseClock(() -> false);
  private final ProbeDispatcher dispatcher =
      new ProbeDispatcher(new EventLog(100, EventLog.MIN_BYTES), (site, event) -> {}, 0L);

  @AfterEach
  void stopRouting() {
    JLiveBridge.dispatchTo(null);
  }

  /**
   * A count hands the dispatcher the continuation only: the argument array (and the boxing of the
   * two {@code int}s) is built after the dispatcher's answer, for a call it admitted, which a count
   * never does. The full advice, the control, builds it before its one call.
   */
  @Test
  void theArgumentArrayIsBuiltOnlyAfterTheDispatcherAdmittedTheCall() {
    assertThat(instructions(wovenQuotes(ProbeAdvice.SuspendEntry.class, 1)))
        .containsSubsequence("dispatcher", "suspendEnter", "new Object[]", "enterAdmitted")
        .doesNotContain("enter");
    assertThat(instructions(wovenQuotes(ProbeAdvice.Full.class, 1)))
        .containsSubsequence("new Object[]", "enter");
  }

  @Test
  void aCountCountsCallsAndNotTheFragmentsThatResumeThem() throws Exception {
    JLiveBridge.dispatchTo(dispatcher);
    Probe probe = probe("count");
    Method quote = load(wovenQuotes(ProbeAdvice.SuspendEntry.class, site(probe)));
    Class<?> ownContinuation =
        quote.getDeclaringClass().getClassLoader().loadClass(QUOTES + "$quote$1");
    Object callers = new Object();
    Object resumed = continuation(ownContinuation, Integer.MIN_VALUE | 1);
    Object recursive = continuation(ownContinuation, 1);

    for (int i = 0; i < 3; i++) {
      assertThat(quote.invoke(null, i, 2, callers)).isSameAs(callers);
    }
    quote.invoke(null, 0, 0, resumed);
    quote.invoke(null, 0, 0, resumed);
    // A recursive call passes this method's continuation type too, without the resume flag.
    quote.invoke(null, 5, 2, recursive);
    quote.invoke(null, 5, 2, null);

    assertThat(probe.hits()).isEqualTo(5);
  }

  private Probe probe(String kind) {
    return new Probe(
        "p1",
        ProbeSpec.fromJson(Map.of("selector", QUOTES + "#quote", "kind", kind)),
        "test",
        (probe, why) -> {},
        clock);
  }

  private int site(Probe probe) {
    int slot = dispatcher.newSlot();
    dispatcher.put(
        new ProbeSite(
            slot,
            probe,
            null,
            "Quotes#quote",
            null,
            null,
            null,
            KotlinSuspend.of(QUOTES, "quote", SUSPEND_DESCRIPTOR)));
    return slot;
  }

  /** An instance of the fake {@code Quotes$quote$1} with its {@code label} set. */
  private static Object continuation(Class<?> type, int label) throws Exception {
    Object continuation = type.getConstructor().newInstance();
    type.getField("label").setInt(continuation, label);
    return continuation;
  }

  /**
   * Defines the woven {@code Quotes} and Kotlin's continuation class for its {@code quote}, {@code
   * Quotes$quote$1} with its {@code label}, in a loader of their own whose parent sees the bridge.
   */
  private static Method load(byte[] woven) throws Exception {
    byte[] continuation =
        new ByteBuddy()
            .subclass(Object.class)
            .name(QUOTES + "$quote$1")
            .defineField("label", int.class, Modifier.PUBLIC)
            .make()
            .getBytes();
    Map<String, byte[]> classes = Map.of(QUOTES, woven, QUOTES + "$quote$1", continuation);
    ClassLoader loader =
        new ClassLoader(SuspendAdviceTest.class.getClassLoader()) {
          @Override
          protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = classes.get(name);
            if (bytes == null) {
              throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
          }
        };
    return loader.loadClass(QUOTES).getMethod("quote", int.class, int.class, Object.class);
  }

  /** The woven {@code quote}'s calls and array allocations, in order. */
  private static List<String> instructions(byte[] woven) {
    List<String> seen = new ArrayList<>();
    new ClassReader(woven)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public MethodVisitor visitMethod(
                  int access, String name, String descriptor, String signature, String[] ex) {
                if (!name.equals("quote")) {
                  return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                  @Override
                  public void visitInvokeDynamicInsn(
                      String indyName, String indyDescriptor, Handle bootstrap, Object... args) {
                    seen.add(indyName);
                  }

                  @Override
                  public void visitMethodInsn(
                      int opcode, String owner, String method, String desc, boolean itf) {
                    seen.add(method);
                  }

                  @Override
                  public void visitTypeInsn(int opcode, String type) {
                    if (opcode == Opcodes.ANEWARRAY) {
                      seen.add("new Object[]");
                    }
                  }
                };
              }
            },
            0);
    return seen;
  }

  /**
   * {@code Quotes.quote(int, int, Object)}, which returns its continuation argument, woven with
   * {@code advice} for {@code slot}. Its last parameter is typed {@code Object}, not Kotlin's
   * {@code Continuation}: the advice reads it as an object either way.
   */
  private static byte[] wovenQuotes(Class<?> advice, int slot) {
    Advice woven =
        Advice.withCustomMapping()
            .bind(ProbeId.class, slot)
            .bind(LinkedDispatcher.class, new LinkedDispatcherCall(slot))
            .bind(LastArgument.class, new LastArgumentRead())
            .to(advice);
    return new ByteBuddy()
        .subclass(Object.class)
        .name(QUOTES)
        .defineMethod("quote", Object.class, Modifier.PUBLIC | Modifier.STATIC)
        .withParameters(int.class, int.class, Object.class)
        .intercept(FixedValue.argument(2))
        .visit(woven.on(ElementMatchers.named("quote")))
        .make()
        .getBytes();
  }
}

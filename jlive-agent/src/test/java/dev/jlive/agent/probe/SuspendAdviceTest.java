package dev.jlive.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.bridge.JLiveBridge;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.event.ProbeEvent;
import dev.jlive.protocol.probe.ProbeSpec;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.ExceptionMethod;
import net.bytebuddy.implementation.FieldAccessor;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.MethodDelegation;
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
  private static final String SUSPENDED_TYPE = "kotlin.coroutines.intrinsics.CoroutineSingletons";
  private static final String TEMPLATE = "{a}+{b} -> {returned}";
  private static final String SUSPEND_DESCRIPTOR =
      "(IILkotlin/coroutines/Continuation;)Ljava/lang/Object;";

  private final CoarseClock clock = new CoarseClock(() -> false);
  private final List<ProbeEvent> published = new CopyOnWriteArrayList<>();
  private final ProbeDispatcher dispatcher =
      new ProbeDispatcher(
          new EventLog(100, EventLog.MIN_BYTES), (site, event) -> published.add(event), 0L);

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

  /**
   * An exit or exception probe: sampling is decided at the entry, given the continuation only, and
   * the argument array is built after that answer, for a call it kept, whose exit then hands it on.
   */
  @Test
  void anExitProbeBuildsTheArgumentArrayOnlyForACallTheEntryKept() {
    assertThat(instructions(wovenQuotes(ProbeAdvice.SuspendExit.class, 1)))
        .containsSubsequence("dispatcher", "suspendEnter", "new Object[]", "exit")
        .containsOnlyOnce("new Object[]")
        .doesNotContain("enter");
  }

  /**
   * An exception probe builds the argument array only in a first fragment that threw or suspended
   * (the only case where its call can end in an exception it shows), never on a call that returned.
   */
  @Test
  void anExceptionProbeBuildsTheArgumentArrayOnlyWhenTheCallThrewOrSuspended() {
    assertThat(instructions(wovenQuotes(ProbeAdvice.SuspendExceptionExit.class, 1)))
        .containsSubsequence("dispatcher", "suspendEnter", "name", "new Object[]", "exit")
        .containsOnlyOnce("new Object[]");
  }

  /** An exception log shows a call that threw, with its arguments. */
  @Test
  void anExceptionLogShowsACallThatThrew() throws Exception {
    JLiveBridge.dispatchTo(dispatcher);
    Probe probe =
        probe(Map.of("kind", "log", "at", "exception", "template", "{a}+{b} threw {thrown}"));
    Method quote =
        load(
            woven(
                ProbeAdvice.SuspendExceptionExit.class,
                site(probe),
                ExceptionMethod.throwing(IllegalStateException.class, "no price")));
    for (int i = 0; i < 2; i++) {
      int sku = i;
      assertThatThrownBy(() -> quote.invoke(null, sku, 3, "caller's"))
          .hasCauseInstanceOf(IllegalStateException.class);
    }
    assertThat(published)
        .extracting(ProbeEvent::message)
        .containsExactly(
            "0+3 threw java.lang.IllegalStateException: no price",
            "1+3 threw java.lang.IllegalStateException: no price");
  }

  /**
   * A recording of a suspend function (a capture at exit with a recorder, woven with the full
   * advice) keeps a call that threw, with its arguments, as a recording of a plain method does: a
   * replay needs the failures too.
   */
  @Test
  void aRecordingKeepsACallThatThrew() throws Exception {
    JLiveBridge.dispatchTo(dispatcher);
    List<String> recorded = new CopyOnWriteArrayList<>();
    Map<String, Object> json = new HashMap<>(Map.of("kind", "capture", "at", "exit"));
    json.put("selector", QUOTES + "#quote");
    Probe probe =
        new Probe(
            "p1",
            ProbeSpec.fromJson(json),
            "test",
            (p, why) -> {},
            clock,
            (self, args, returned, thrown) ->
                recorded.add(
                    args[0] + "+" + args[1] + " returned " + returned + " threw " + thrown));
    Method quote =
        load(
            woven(
                ProbeAdvice.Full.class,
                site(probe),
                ExceptionMethod.throwing(IllegalStateException.class, "no price")));
    assertThatThrownBy(() -> quote.invoke(null, 7, 3, "caller's"))
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(recorded)
        .containsExactly("7+3 returned null threw java.lang.IllegalStateException: no price");
  }

  /**
   * A call that suspends and then fails in the fragment that resumes it: the exception probe shows
   * it once, with the arguments of the call's first fragment (the resumed fragment gets others, as
   * Kotlin passes them), and the call is no longer in flight.
   */
  @Test
  void anExceptionAfterAResumeShowsTheCallsOwnArguments() throws Exception {
    JLiveBridge.dispatchTo(dispatcher);
    Probe probe =
        probe(Map.of("kind", "log", "at", "exception", "template", "{a}+{b} threw {thrown}"));
    KotlinSuspend suspend = KotlinSuspend.of(QUOTES, "quote", SUSPEND_DESCRIPTOR);
    int slot = site(probe, suspend);
    Method quote =
        load(
            woven(
                ProbeAdvice.SuspendExceptionExit.class,
                slot,
                MethodDelegation.to(SuspendingBody.class)));
    ClassLoader loader = quote.getDeclaringClass().getClassLoader();
    SuspendingBody.suspended =
        loader.loadClass(SUSPENDED_TYPE).getField("COROUTINE_SUSPENDED").get(null);
    Class<?> ownContinuation = loader.loadClass(QUOTES + "$quote$1");
    Object callers = "caller's";

    // The first fragment suspends; the probe keeps the call's arguments with it.
    assertThat(quote.invoke(null, 7, 3, callers)).isSameAs(SuspendingBody.suspended);
    assertThat(suspend.inFlight()).isEqualTo(1);
    assertThat(published).isEmpty();
    // The resumed fragment, with its own continuation (whose completion is the caller's) and the
    // zeros Kotlin passes for the arguments, throws.
    Object resumed = continuation(ownContinuation, Integer.MIN_VALUE | 1);
    ownContinuation.getField("completion").set(resumed, callers);
    assertThatThrownBy(() -> quote.invoke(null, 0, 0, resumed))
        .hasCauseInstanceOf(IllegalStateException.class);

    assertThat(published)
        .extracting(ProbeEvent::message)
        .containsExactly("7+3 threw java.lang.IllegalStateException: failed after resuming");
    assertThat(suspend.inFlight()).isZero();
    assertThat(probe.hits()).isEqualTo(1);
  }

  /**
   * The body of a suspending {@code quote}: suspends when called, fails when resumed (when given
   * its own continuation type). Public, for the woven class's delegation.
   */
  public static final class SuspendingBody {
    static volatile Object suspended;

    public static Object quote(int a, int b, Object continuation) {
      if (continuation.getClass().getName().equals(QUOTES + "$quote$1")) {
        throw new IllegalStateException("failed after resuming");
      }
      return suspended;
    }
  }

  /**
   * An exit log shows each call once, with its arguments and result, and nothing for the fragments
   * that resume calls (here none of them suspended, so a resume completes nothing); with a sample
   * of one in a million, the entry keeps no call and nothing shows.
   */
  @Test
  void anExitLogShowsEachCallOnceAndASampleDecidedAtEntryKeepsNone() throws Exception {
    JLiveBridge.dispatchTo(dispatcher);
    Probe everyCall = probe(Map.of("kind", "log", "at", "exit", "template", TEMPLATE));
    Method quote = load(wovenQuotes(ProbeAdvice.SuspendExit.class, site(everyCall)));
    Class<?> ownContinuation =
        quote.getDeclaringClass().getClassLoader().loadClass(QUOTES + "$quote$1");
    // The caller's continuation, which this fake quote returns: a string, shown as one.
    Object callers = "caller's";
    for (int i = 0; i < 3; i++) {
      assertThat(quote.invoke(null, i, 2, callers)).isSameAs(callers);
    }
    quote.invoke(null, 0, 0, continuation(ownContinuation, Integer.MIN_VALUE | 1));
    assertThat(everyCall.hits()).isEqualTo(3);
    assertThat(published).hasSize(3);
    assertThat(published)
        .extracting(ProbeEvent::point)
        .containsOnly(JsonObject.wireName(ProbeSpec.Point.EXIT));
    assertThat(published)
        .extracting(ProbeEvent::message)
        .containsExactly("0+2 -> \"caller's\"", "1+2 -> \"caller's\"", "2+2 -> \"caller's\"");

    published.clear();
    Probe sampled =
        probe(Map.of("kind", "log", "at", "exit", "template", TEMPLATE, "sampleOneIn", 1_000_000));
    Method sampledQuote = load(wovenQuotes(ProbeAdvice.SuspendExit.class, site(sampled)));
    for (int i = 0; i < 100; i++) {
      sampledQuote.invoke(null, i, 2, callers);
    }
    assertThat(sampled.hits()).isEqualTo(100);
    assertThat(published).isEmpty();
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
    return probe(Map.of("kind", kind));
  }

  private Probe probe(Map<String, Object> spec) {
    Map<String, Object> json = new HashMap<>(spec);
    json.put("selector", QUOTES + "#quote");
    return new Probe("p1", ProbeSpec.fromJson(json), "test", (probe, why) -> {}, clock);
  }

  private int site(Probe probe) {
    return site(probe, KotlinSuspend.of(QUOTES, "quote", SUSPEND_DESCRIPTOR));
  }

  private int site(Probe probe, KotlinSuspend suspend) {
    int slot = dispatcher.newSlot();
    String template = probe.spec.template();
    dispatcher.put(
        new ProbeSite(
            slot,
            probe,
            null,
            "Quotes#quote",
            template == null
                ? null
                : Template.parse(template, List.of("a", "b", "continuation"), "quote", null),
            null,
            null,
            suspend));
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
            .defineField("completion", Object.class, Modifier.PUBLIC)
            .defineMethod("getCompletion", Object.class, Modifier.PUBLIC)
            .intercept(FieldAccessor.ofField("completion"))
            .make()
            .getBytes();
    // Kotlin's marker of a suspended call, by its name.
    byte[] singletons =
        new ByteBuddy()
            .makeEnumeration("COROUTINE_SUSPENDED")
            .name(SUSPENDED_TYPE)
            .make()
            .getBytes();
    Map<String, byte[]> classes =
        Map.of(QUOTES, woven, QUOTES + "$quote$1", continuation, SUSPENDED_TYPE, singletons);
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
    return woven(advice, slot, FixedValue.argument(2));
  }

  /** {@code Quotes.quote(int, int, Object)} doing {@code body}, woven with {@code advice}. */
  private static byte[] woven(Class<?> advice, int slot, Implementation body) {
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
        .intercept(body)
        .visit(woven.on(ElementMatchers.named("quote")))
        .make()
        .getBytes();
  }
}

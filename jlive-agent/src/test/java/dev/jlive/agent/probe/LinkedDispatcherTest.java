package dev.jlive.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.bridge.JLiveBridge;
import dev.jlive.protocol.probe.ProbeSpec;
import java.lang.invoke.CallSite;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.ClassFileVersion;
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
 * Woven code reads its probe site's own dispatcher from a linked call site, which the dispatcher
 * unlinks when the site is removed; a class file too old for {@code invokedynamic} reads the
 * bridge's dispatcher, which finds the site by slot. The classes are woven with the probe's own
 * advice and run in this JVM, with the bridge routing to a real dispatcher.
 */
class LinkedDispatcherTest {
  private final CoarseClock clock = new CoarseClock(() -> false);
  private final ProbeDispatcher dispatcher =
      new ProbeDispatcher(new EventLog(100, EventLog.MIN_BYTES), (site, event) -> {}, 0L);

  @AfterEach
  void stopRouting() {
    JLiveBridge.dispatchTo(null);
  }

  @Test
  void wovenCodeCountsThroughItsLinkedSiteUntilTheSiteIsRemoved() throws Throwable {
    JLiveBridge.dispatchTo(dispatcher);
    Probe probe = countProbe();
    int slot = site(probe);
    byte[] woven = wovenCounter(ClassFileVersion.JAVA_V17, slot);
    assertThat(calls(woven)).containsExactly("indy probeDispatcher");

    Method work = load(woven);
    callTimes(work, 5);
    assertThat(probe.hits()).isEqualTo(5);

    CallSite link = dispatcher.probeDispatcher(slot);
    assertThat(link.getTarget().invoke()).isInstanceOf(SiteDispatcher.class);
    dispatcher.remove(slot);
    assertThat(link.getTarget().invoke()).isNull();
    callTimes(work, 5);
    assertThat(probe.hits()).isEqualTo(5);
  }

  /**
   * The control of the unlink: a site's dispatcher reaches its probe without the dispatcher's
   * table, so only the unlink keeps woven code of a removed site away from it.
   */
  @Test
  void aSiteDispatcherStillReachesItsProbeWithoutTheTable() {
    Probe probe = countProbe();
    int slot = site(probe);
    JLiveBridge.Dispatcher linked =
        SiteDispatchers.create(
            dispatcher, new ProbeSite(slot, probe, null, "Counter#work", null, null, null, null));
    dispatcher.remove(slot);
    linked.timedEnter(slot);
    assertThat(probe.hits()).isEqualTo(1);
  }

  /**
   * A site's dispatcher is of a hidden class, whose fields C2 takes as constants (SiteDispatchers);
   * its code is the ordinary class's, and it counts as that does.
   */
  @Test
  void aSitesDispatcherIsOfAHiddenClassAndCounts() throws Throwable {
    Probe probe = countProbe();
    int slot = site(probe);
    Object linked = dispatcher.probeDispatcher(slot).getTarget().invoke();
    assertThat(SiteDispatchers.unfolded()).isNull();
    assertThat(linked.getClass().isHidden()).isTrue();
    assertThat(linked).isInstanceOf(SiteDispatcher.class);
    ((JLiveBridge.Dispatcher) linked).timedEnter(slot);
    ((JLiveBridge.Dispatcher) linked).timedEnter(slot);
    assertThat(probe.hits()).isEqualTo(2);
  }

  /**
   * The fallback when the hidden class cannot be defined (or {@code
   * -Djlive.probe.hiddenDispatchers=false}): the ordinary class, the same code, counts the same.
   */
  @Test
  void theOrdinaryClassCountsAsTheHiddenOneDoes() {
    Probe probe = countProbe();
    int slot = site(probe);
    SiteDispatcher ordinary =
        new SiteConstants(
            dispatcher, new ProbeSite(slot, probe, null, "Counter#work", null, null, null, null));
    assertThat(ordinary.getClass().isHidden()).isFalse();
    ordinary.timedEnter(slot);
    ordinary.timedExit(slot, ordinary.timedEnter(slot), null);
    assertThat(probe.hits()).isEqualTo(2);
    assertThat(new SiteConstants(dispatcher, null).timedEnter(slot)).isZero();
    assertThat(probe.hits()).isEqualTo(2);
  }

  @Test
  void aJava6ClassFileReadsTheBridgesDispatcher() throws Exception {
    JLiveBridge.dispatchTo(dispatcher);
    Probe probe = countProbe();
    int slot = site(probe);
    byte[] woven = wovenCounter(ClassFileVersion.JAVA_V6, slot);
    assertThat(calls(woven)).containsExactly("static dispatcher");

    callTimes(load(woven), 3);
    assertThat(probe.hits()).isEqualTo(3);
  }

  @Test
  void afterTheAgentStopsLinkedCodeReachesNothing() throws Exception {
    JLiveBridge.dispatchTo(dispatcher);
    Probe probe = countProbe();
    int slot = site(probe);
    Method work = load(wovenCounter(ClassFileVersion.JAVA_V17, slot));
    callTimes(work, 2);
    dispatcher.unlinkAll();
    JLiveBridge.dispatchTo(null);
    callTimes(work, 2);
    assertThat(probe.hits()).isEqualTo(2);
  }

  /** The warm-up links a call site like woven code's, for a slot no site has: it answers null. */
  @Test
  void theWarmUpLinksACallSiteThatAnswersNoDispatcher() throws Throwable {
    JLiveBridge.dispatchTo(dispatcher);
    assertThat(LinkWarmUp.run(dispatcher)).isNull();
    assertThat(dispatcher.probeDispatcher(LinkWarmUp.NO_SITE)).isNull();
  }

  private Probe countProbe() {
    return new Probe(
        "p1",
        ProbeSpec.fromJson(Map.of("selector", "dev.example.Counter#work", "kind", "count")),
        "test",
        (probe, why) -> {},
        clock);
  }

  private int site(Probe probe) {
    int slot = dispatcher.newSlot();
    dispatcher.put(new ProbeSite(slot, probe, null, "Counter#work", null, null, null, null));
    return slot;
  }

  /** A class {@code Counter} of the given class file version, its {@code work} counted by slot. */
  private static byte[] wovenCounter(ClassFileVersion version, int slot) {
    Advice advice =
        Advice.withCustomMapping()
            .bind(ProbeId.class, slot)
            .bind(LinkedDispatcher.class, new LinkedDispatcherCall(slot))
            .to(ProbeAdvice.Count.class);
    return new ByteBuddy(version)
        .subclass(Object.class)
        .name("dev.example.Counter")
        .defineMethod("work", int.class, Modifier.PUBLIC | Modifier.STATIC)
        .withParameters(int.class)
        .intercept(FixedValue.value(7))
        .visit(advice.on(ElementMatchers.named("work")))
        .make()
        .getBytes();
  }

  /** Defines the woven class in a loader of its own, whose parent sees the bridge. */
  private static Method load(byte[] woven) throws Exception {
    ClassLoader loader =
        new ClassLoader(LinkedDispatcherTest.class.getClassLoader()) {
          @Override
          protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (!name.equals("dev.example.Counter")) {
              throw new ClassNotFoundException(name);
            }
            return defineClass(name, woven, 0, woven.length);
          }
        };
    return loader.loadClass("dev.example.Counter").getMethod("work", int.class);
  }

  private static void callTimes(Method work, int times) throws Exception {
    for (int i = 0; i < times; i++) {
      assertThat(work.invoke(null, i)).isEqualTo(7);
    }
  }

  /** How the woven {@code work} reads a dispatcher: by invokedynamic or by the bridge's method. */
  private static List<String> calls(byte[] woven) {
    List<String> calls = new ArrayList<>();
    new ClassReader(woven)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public MethodVisitor visitMethod(
                  int access, String name, String descriptor, String signature, String[] ex) {
                return new MethodVisitor(Opcodes.ASM9) {
                  @Override
                  public void visitInvokeDynamicInsn(
                      String indyName, String indyDescriptor, Handle bootstrap, Object... args) {
                    calls.add("indy " + bootstrap.getName());
                  }

                  @Override
                  public void visitMethodInsn(
                      int opcode, String owner, String method, String desc, boolean itf) {
                    if (owner.equals("dev/jlive/bridge/JLiveBridge")) {
                      calls.add("static " + method);
                    }
                  }
                };
              }
            },
            0);
    return calls;
  }
}

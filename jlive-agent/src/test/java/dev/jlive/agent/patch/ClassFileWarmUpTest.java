package dev.jlive.agent.patch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.agent.expression.ProbeExpressions;
import dev.jlive.agent.safepoint.Gates;
import dev.jlive.agent.testing.GateOnlyDispatcher;
import dev.jlive.agent.weave.ClassPipeline;
import dev.jlive.bridge.JLiveBridge;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.patch.PatchResult;
import dev.jlive.protocol.patch.SafepointMode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.dynamic.loading.ByteArrayClassLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * The class-file warm-up runs a patch's steps on a class of jlive's and keeps nothing: what it
 * makes is a real merged class with a gate woven in (it verifies, and defined on its own it runs
 * the old body until the switch turns and the new one after, through the gate), while the loaded
 * class keeps running its own code.
 */
class ClassFileWarmUpTest {
  private static final String RUNNING = ClassFileWarmUp.Running.class.getName();
  private static final int[] QUANTITIES = {1, -2, 3};

  private final List<String> calls = new ArrayList<>();
  private volatile boolean switchedOver;

  @AfterEach
  void noDispatcher() {
    JLiveBridge.dispatchTo(null);
  }

  @Test
  void theWarmUpMakesAWorkingGatedMergedClassAsideAndLeavesTheLoadedOneAlone() throws Exception {
    byte[] woven = ClassFileWarmUp.wovenAside(new ClassPipeline(null, System.getLogger("test")));

    StringWriter problems = new StringWriter();
    CheckClassAdapter.verify(
        new ClassReader(woven), getClass().getClassLoader(), false, new PrintWriter(problems));
    assertThat(problems.toString()).isEmpty();

    JLiveBridge.dispatchTo(new Recording());
    Class<?> copy = defineAlone(woven);
    Constructor<?> constructor = copy.getDeclaredConstructor();
    constructor.setAccessible(true);
    Method total = copy.getDeclaredMethod(ClassFileWarmUp.METHOD, int[].class);
    total.setAccessible(true);
    Object instance = constructor.newInstance();

    // The old body while the switch is off, through the gate of gate 0 (which no gate has).
    assertThat(total.invoke(instance, (Object) QUANTITIES)).isEqualTo(4L);
    assertThat(calls).containsExactly("enter 0 0 1", "switch 0", "exit 0");
    calls.clear();
    switchedOver = true;
    // The patched body once it is on.
    assertThat(total.invoke(instance, (Object) QUANTITIES)).isEqualTo(8L);
    assertThat(calls).containsExactly("enter 0 0 1", "switch 0", "exit 0");

    // The control: the loaded class was not touched and runs its own body, with no gate.
    calls.clear();
    assertThat(new ClassFileWarmUp.Running().total(QUANTITIES)).isEqualTo(4L);
    assertThat(calls).isEmpty();
    // The whole warm-up (also the request's JSON and a safe point's first steps, which need a JVM
    // to ask) makes the same class and changes nothing either.
    Instrumentation instrumentation = ByteBuddyAgent.install();
    ProbeExpressions.initialise(instrumentation);
    assertThat(
            ClassFileWarmUp.run(
                new ClassPipeline(instrumentation, System.getLogger("test")),
                System.getLogger("test")))
        .isEqualTo(woven.length);
    assertThat(new ClassFileWarmUp.Running().total(QUANTITIES)).isEqualTo(4L);
    assertThat(calls).isEmpty();
  }

  /** The answer the warm-up writes is an applied patch's, as a client reads it. */
  @Test
  void theWarmUpsAnswerReadsAsAnAppliedPatchOfItsMethod() {
    PatchResult answer = PatchResult.fromWire(Json.parse(ClassFileWarmUp.answerWritten()));

    assertThat(answer.dryRun()).isFalse();
    assertThat(answer.classes())
        .singleElement()
        .satisfies(
            patched -> {
              assertThat(patched.className()).isEqualTo(ClassFileWarmUp.Running.class.getName());
              assertThat(patched.changedMethods()).singleElement().asString().startsWith("total(");
            });
    assertThat(answer.safepoint().mode()).isEqualTo(SafepointMode.QUIESCENT);
    assertThat(answer.phases()).isNotEmpty();
  }

  /**
   * The warm-up reads and checks a patch of a class of the loader that defined the most classes
   * among those a patch may change: here a loader of three classes over the two of the system
   * loader's in the list, while arrays, JDK classes and a loader a patch may not change (the
   * control: it defined the most) are passed over.
   */
  @Test
  void theApplicationClassComesFromTheLoaderWithTheMostPatchableClasses() throws Exception {
    Class<?>[] application = definedAlone("app.A", "app.B", "app.C");
    Class<?>[] jlivesOwn = definedAlone("own.A", "own.B", "own.C", "own.D");
    Class<?>[] loaded = {
      String.class,
      int[].class,
      ClassFileWarmUpTest.class,
      jlivesOwn[0],
      application[0],
      jlivesOwn[1],
      Recording.class,
      application[1],
      jlivesOwn[2],
      application[2],
      jlivesOwn[3],
      ClassFileWarmUpTest[].class
    };
    ClassLoader notPatchable = jlivesOwn[0].getClassLoader();

    assertThat(
            ClassFileWarmUp.applicationClass(loaded, type -> type.getClassLoader() != notPatchable))
        .isSameAs(application[0]);
    // The control: with every loader patchable, the one with the most classes wins.
    assertThat(ClassFileWarmUp.applicationClass(loaded, type -> true)).isSameAs(jlivesOwn[0]);
    assertThat(ClassFileWarmUp.applicationClass(new Class<?>[] {String.class}, type -> true))
        .isNull();
  }

  /** Empty classes of those names, defined in a loader of their own. */
  private static Class<?>[] definedAlone(String... names) throws ClassNotFoundException {
    Map<String, byte[]> bytes = new HashMap<>();
    for (String name : names) {
      bytes.put(name, new ByteBuddy().subclass(Object.class).name(name).make().getBytes());
    }
    ClassLoader loader =
        new ByteArrayClassLoader(ClassFileWarmUpTest.class.getClassLoader(), bytes);
    Class<?>[] defined = new Class<?>[names.length];
    for (int index = 0; index < names.length; index++) {
      defined[index] = loader.loadClass(names[index]);
    }
    return defined;
  }

  /** The bytes as a class of the warm-up's name in a loader of their own, asked first. */
  private static Class<?> defineAlone(byte[] bytes) throws ClassNotFoundException {
    ClassLoader loader =
        new ClassLoader(ClassFileWarmUpTest.class.getClassLoader()) {
          @Override
          protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.equals(RUNNING)) {
              synchronized (getClassLoadingLock(name)) {
                Class<?> defined = findLoadedClass(name);
                return defined != null ? defined : defineClass(name, bytes, 0, bytes.length);
              }
            }
            return super.loadClass(name, resolve);
          }
        };
    return loader.loadClass(RUNNING);
  }

  /** Notes each gate call; the switch is on once {@link #switchedOver}. */
  private final class Recording extends GateOnlyDispatcher {
    @Override
    public Object gateEnter(int gate, int method, int version) {
      if (method == Gates.SWITCH) {
        calls.add("switch " + gate);
        return switchedOver ? Boolean.TRUE : null;
      }
      calls.add("enter " + gate + " " + method + " " + version);
      return null;
    }

    @Override
    public void gateExit(int gate) {
      calls.add("exit " + gate);
    }
  }
}

package dev.jlive.agent.patch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.agent.expression.ProbeExpressions;
import dev.jlive.agent.safepoint.Gates;
import dev.jlive.agent.testing.GateOnlyDispatcher;
import dev.jlive.agent.weave.ClassPipeline;
import dev.jlive.bridge.JLiveBridge;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.agent.ByteBuddyAgent;
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
    assertThat(ClassFileWarmUp.run(new ClassPipeline(instrumentation, System.getLogger("test"))))
        .isEqualTo(woven.length);
    assertThat(new ClassFileWarmUp.Running().total(QUANTITIES)).isEqualTo(4L);
    assertThat(calls).isEmpty();
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

package dev.jlive.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.agent.safepoint.BodySwitch;
import dev.jlive.agent.safepoint.Gates;
import dev.jlive.agent.testing.ClassFixtures;
import dev.jlive.agent.testing.GateOnlyDispatcher;
import dev.jlive.agent.weave.ClassPipeline;
import dev.jlive.agent.weave.Weaving;
import dev.jlive.agent.weave.WeavingSource;
import dev.jlive.bridge.JLiveBridge;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Golden checks of hand-emitted line weaving: for lines after long and double locals, among locals
 * in nested scopes, inside and after try/catch, in loops, with more than 255 local slots (wide
 * loads) and in a constructor, the woven class must pass ASM's verifier and the JVM's (it is loaded
 * and run), return what the original returns, and hand the probe the locals' true values. Each case
 * is also woven together with entry/exit advice on the same method, since advice moves the method's
 * locals to make room for its own.
 */
class LineWeavingVerifyTest {
  private static final Path SOURCE =
      Path.of("src/test/java/dev/jlive/agent/probe/LineWeavingFixtures.java");
  private static final int SLOT = 7;
  private static final Path ODD_LEDGER =
      Path.of("../jlive-it/src/test/java/dev/jlive/it/apps/odd/Ledger.java");

  private final Recorder recorder = new Recorder();

  @AfterEach
  void stopRecording() {
    JLiveBridge.dispatchTo(null);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "afterLong",
            "longLocal",
            new Class<?>[] {int.class},
            new Object[] {4},
            Map.of("total", 7L)),
        Arguments.of(
            "doubleAndLong",
            "doubleAndLong",
            new Class<?>[] {double.class, long.class},
            new Object[] {2.0, 3L},
            Map.of("scaled", 6.0, "shifted", 12L, "label", "x")),
        Arguments.of(
            "staticLong",
            "staticLong",
            new Class<?>[] {long.class, int.class},
            new Object[] {5L, 3},
            Map.of("product", 15L)),
        Arguments.of(
            "afterScope",
            "scopes",
            new Class<?>[] {int.class},
            new Object[] {2},
            Map.of("result", 20)),
        Arguments.of(
            "loopBody",
            "loopHead",
            new Class<?>[] {int.class},
            new Object[] {4},
            Map.of("sum", 0L, "i", 0)),
        Arguments.of(
            "insideTry",
            "tryCatch",
            new Class<?>[] {String.class},
            new Object[] {"41"},
            Map.of("attempts", 1L)),
        Arguments.of(
            "insideCatch",
            "tryCatch",
            new Class<?>[] {String.class},
            new Object[] {"x"},
            Map.of("attempts", 1L)),
        Arguments.of(
            "afterTryShifted",
            "afterTryShifted",
            new Class<?>[] {String.class},
            new Object[] {"7"},
            Map.of("value", 7L)),
        Arguments.of(
            "afterSwitches",
            "switchesAndLambda",
            new Class<?>[] {int.class},
            new Object[] {2},
            Map.of("base", 5L, "picked", 20, "sparse", 3)),
        Arguments.of(
            "afterTry",
            "afterTryCatch",
            new Class<?>[] {String.class},
            new Object[] {"9"},
            Map.of("value", 9L)),
        Arguments.of(
            "wideLocals",
            "wideLocals",
            new Class<?>[] {long.class},
            new Object[] {1L},
            Map.of("l0", 1L, "l128", 129L)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void lineProbeVerifiesAndSeesTheLocals(
      String marker,
      String method,
      Class<?>[] parameters,
      Object[] arguments,
      Map<String, Object> expected)
      throws Exception {
    checkLine(marker, method, parameters, arguments, expected, false);
  }

  @ParameterizedTest(name = "{0} with advice")
  @MethodSource("cases")
  void lineProbeBesideAdviceVerifiesAndSeesTheLocals(
      String marker,
      String method,
      Class<?>[] parameters,
      Object[] arguments,
      Map<String, Object> expected)
      throws Exception {
    checkLine(marker, method, parameters, arguments, expected, true);
  }

  @Test
  void lineInAConstructorVerifies() throws Exception {
    LineTarget target =
        LineTarget.find(
            LineWeavingFixtures.class, lineOf("constructor"), (name, descriptor) -> true);
    assertThat(target.methodName()).isEqualTo("<init>");
    byte[] woven = weave(List.of(new LineWeaving(target, SLOT, false)));
    recorder.names = target.locals().stream().map(LineTarget.Local::name).toList();
    assertThat(verify(woven)).isEmpty();
    JLiveBridge.dispatchTo(recorder);
    Constructor<?> constructor = load(woven).getConstructor(long.class);
    constructor.newInstance(21L);
    assertThat(recorder.calls).hasSize(1);
    assertThat(recorder.calls.get(0).get("doubled")).isEqualTo(42L);
  }

  /**
   * A probe planned on one version of a method woven into another (a patch moved the locals): the
   * slots come from the method being woven, and a local whose type changed is passed as null.
   */
  @Test
  void slotsComeFromTheMethodBeingWovenNotFromThePlan() throws Exception {
    LineTarget planned =
        LineTarget.find(
            LineWeavingFixtures.class, lineOf("doubleAndLong"), (name, descriptor) -> true);
    LineTarget stale =
        new LineTarget(
            planned.methodName(),
            planned.descriptor(),
            planned.isStatic(),
            planned.line(),
            List.of(
                new LineTarget.Local("shifted", "J", 1),
                new LineTarget.Local("label", "I", 3),
                new LineTarget.Local("scaled", "D", 40)));
    byte[] woven = weave(List.of(new LineWeaving(stale, SLOT, false)));
    assertThat(verify(woven)).isEmpty();
    recorder.names = List.of("shifted", "label", "scaled");
    JLiveBridge.dispatchTo(recorder);
    Class<?> reloaded = load(woven);
    reloaded
        .getMethod("doubleAndLong", double.class, long.class)
        .invoke(reloaded.getConstructor(long.class).newInstance(1L), 2.0, 3L);
    assertThat(recorder.calls).hasSize(1);
    assertThat(recorder.calls.get(0))
        .containsEntry("shifted", 12L)
        .containsEntry("scaled", 6.0)
        .doesNotContainKey("label");
  }

  private void checkLine(
      String marker,
      String method,
      Class<?>[] parameters,
      Object[] arguments,
      Map<String, Object> expected,
      boolean withAdvice)
      throws Exception {
    LineTarget target =
        LineTarget.find(LineWeavingFixtures.class, lineOf(marker), (name, descriptor) -> true);
    assertThat(target.methodName()).isEqualTo(method);
    List<Weaving> weavings = new ArrayList<>();
    if (withAdvice) {
      weavings.addAll(advice(method, target.descriptor()));
    }
    weavings.add(new LineWeaving(target, SLOT, false));
    byte[] woven = weave(weavings);
    recorder.names = target.locals().stream().map(LineTarget.Local::name).toList();

    assertThat(verify(woven)).as("CheckClassAdapter on " + marker).isEmpty();

    Method original = LineWeavingFixtures.class.getMethod(method, parameters);
    Object expectedResult = original.invoke(new LineWeavingFixtures(1), arguments);
    Class<?> reloaded = load(woven);
    JLiveBridge.dispatchTo(recorder);
    Object actual =
        reloaded
            .getMethod(method, parameters)
            .invoke(reloaded.getConstructor(long.class).newInstance(1L), arguments);
    assertThat(actual).isEqualTo(expectedResult);
    assertThat(recorder.calls).as("line probe calls").isNotEmpty();
    assertThat(recorder.calls.get(0)).containsAllEntriesOf(expected);
  }

  /**
   * A quiescent patch merges the old and the new body of a changed method behind the gate's switch
   * (BodySwitch), both on the same lines, and either runs until the merged code is cleaned up. Here
   * the patch moves the long local (an int now comes first), as in OddCodeTest: the line probe must
   * fire in the old body before the switch turns and in the new one after, with the long read from
   * the slots of the body that runs. Woven into the first body only, the second call saw nothing.
   * The class is OddCodeTest's, read from its source.
   */
  @Test
  void aMergedMethodIsProbedInTheOldBodyAndInTheNew() throws Exception {
    String v1 = Files.readString(ODD_LEDGER);
    String v2 =
        v1.replace("long value;", "int extra = 1; long value;")
            .replace("value * 2", "value * 3 * extra");
    byte[] merged =
        BodySwitch.merge(
            ClassFixtures.compile("dev.jlive.it.apps.odd.Ledger", v1),
            ClassFixtures.compile("dev.jlive.it.apps.odd.Ledger", v2),
            Set.of("doubled (Ljava/lang/String;)J"),
            0);
    assertThat(merged).isNotNull();
    int line = (int) v1.lines().takeWhile(text -> !text.contains("// probed line")).count() + 1;
    LineTarget target =
        new LineTarget(
            "doubled",
            "(Ljava/lang/String;)J",
            false,
            line,
            List.of(new LineTarget.Local("value", "J", 2)));
    Class<?> running = ClassFixtures.define("dev.jlive.it.apps.odd.Ledger", merged);
    List<Weaving> weavings = new ArrayList<>(advice("doubled", "(Ljava/lang/String;)J"));
    weavings.add(new LineWeaving(target, SLOT, false));
    byte[] woven = weave(running, merged, weavings);
    assertThat(verify(woven)).isEmpty();

    recorder.names = List.of("value");
    JLiveBridge.dispatchTo(recorder);
    Class<?> reloaded = ClassFixtures.define("dev.jlive.it.apps.odd.Ledger", woven);
    Method doubled = reloaded.getMethod("doubled", String.class);
    Object ledger = reloaded.getConstructor().newInstance();
    assertThat(doubled.invoke(ledger, "21")).isEqualTo(42L);
    recorder.switchedOver = true;
    assertThat(doubled.invoke(ledger, "21")).isEqualTo(63L);

    assertThat(recorder.calls).containsExactly(Map.of("value", 21L), Map.of("value", 21L));
  }

  /**
   * Timed entry/exit advice, which adds a long local of its own in front of the method's, and the
   * patch engine's safe-point gate (skips the body, rewrites the returns).
   */
  private static List<Weaving> advice(String method, String descriptor) {
    var timed =
        Advice.withCustomMapping()
            .bind(ProbeId.class, SLOT + 1)
            .bind(LinkedDispatcher.class, new LinkedDispatcherCall(SLOT + 1))
            .to(ProbeAdvice.Timed.class)
            .on(ElementMatchers.named(method));
    var gate = Gates.warmUpWeaving(method, descriptor);
    return List.of(() -> timed, () -> gate);
  }

  /** The woven bytes exactly as the agent's pipeline makes them. */
  private static byte[] weave(List<Weaving> weavings) throws IOException {
    return weave(LineWeavingFixtures.class, classFile(), weavings);
  }

  private static byte[] weave(Class<?> type, byte[] base, List<Weaving> weavings) {
    ClassPipeline pipeline = new ClassPipeline(null, System.getLogger("test"));
    pipeline.addSource(
        new WeavingSource() {
          @Override
          public List<Weaving> weavingsFor(
              ClassLoader loader,
              String className,
              Class<?> loaded,
              Supplier<TypeDescription> description) {
            return weavings;
          }

          @Override
          public boolean mayWeave(ClassLoader loader, String className) {
            return true;
          }
        });
    return pipeline.preview(type, base);
  }

  private static byte[] classFile() throws IOException {
    try (var in = LineWeavingFixtures.class.getResourceAsStream("LineWeavingFixtures.class")) {
      return in.readAllBytes();
    }
  }

  /**
   * ASM's verifier: data flow of every method, types of every load and store. Empty means valid.
   */
  static String verify(byte[] bytes) {
    StringWriter out = new StringWriter();
    CheckClassAdapter.verify(
        new ClassReader(bytes),
        LineWeavingVerifyTest.class.getClassLoader(),
        false,
        new PrintWriter(out));
    return out.toString();
  }

  /** Defines the woven class in a fresh loader, so the JVM's own verifier runs on it too. */
  private static Class<?> load(byte[] bytes) throws Exception {
    ClassLoader loader =
        new ClassLoader(LineWeavingVerifyTest.class.getClassLoader()) {
          @Override
          protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.equals(LineWeavingFixtures.class.getName())) {
              synchronized (getClassLoadingLock(name)) {
                Class<?> done = findLoadedClass(name);
                return done != null ? done : defineClass(name, bytes, 0, bytes.length);
              }
            }
            return super.loadClass(name, resolve);
          }
        };
    Class<?> type = loader.loadClass(LineWeavingFixtures.class.getName());
    // Verification runs when the class links: force it here, not inside the measured call.
    Class.forName(type.getName(), true, loader);
    return type;
  }

  static int lineOf(String marker) throws IOException {
    List<String> lines = Files.readAllLines(SOURCE);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).endsWith("// line:" + marker)) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException("no line marked " + marker);
  }

  /**
   * Records the locals each line probe call passes, by name; answers a merged method's switch with
   * {@link #switchedOver}.
   */
  private final class Recorder extends GateOnlyDispatcher {
    final List<Map<String, Object>> calls = new CopyOnWriteArrayList<>();
    volatile List<String> names = List.of();
    volatile boolean switchedOver;

    @Override
    public long enter(int probe, Object self, Object[] args) {
      if (probe == SLOT) {
        Map<String, Object> values = new ConcurrentHashMap<>();
        List<String> current = names;
        for (int i = 0; i < args.length && i < current.size(); i++) {
          if (args[i] != null) {
            values.put(current.get(i), args[i]);
          }
        }
        calls.add(values);
      }
      return 0L;
    }

    @Override
    public Object gateEnter(int gate, int method, int version) {
      return method == Gates.SWITCH && switchedOver ? Boolean.TRUE : null;
    }

    @Override
    public void gateExit(int gate) {}
  }
}

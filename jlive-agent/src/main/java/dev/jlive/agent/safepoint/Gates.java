package dev.jlive.agent.safepoint;

import dev.jlive.agent.weave.ClassPipeline;
import dev.jlive.agent.weave.Weaving;
import dev.jlive.agent.weave.WeavingSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * The gates that exist now, by id: what the bridge's gate calls reach, and a weaving source that
 * puts each gate's advice into the methods of its set, stamped with the gate's current version.
 */
public final class Gates implements WeavingSource {
  private final Map<Integer, Gate> gates = new ConcurrentHashMap<>();

  /**
   * How long a retired gate stays findable: far longer than any thread sits between a call and its
   * entry advice.
   */
  static final long RETIRED_KEPT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final Map<Integer, Retired> retired = new ConcurrentHashMap<>();
  private final long retiredKeptNanos;
  private final AtomicInteger nextId = new AtomicInteger();

  /**
   * The method index that asks for the gate's switch instead of entering it ({@link BodySwitch}):
   * no gated method has it.
   */
  public static final int SWITCH = -1;

  public Gates() {
    this(RETIRED_KEPT_NANOS);
  }

  Gates(long retiredKeptNanos) {
    this.retiredKeptNanos = retiredKeptNanos;
  }

  Gate create(List<Gate.GatedMethod> methods) {
    Gate gate = new Gate(nextId.incrementAndGet(), methods);
    gates.put(gate.id, gate);
    return gate;
  }

  /**
   * A gate taken out of the weaving. {@code pinned}: code with its switch may still be installed,
   * so it is kept until {@link #remove}, however long that takes.
   */
  private record Retired(Gate gate, long atNanos, boolean pinned) {}

  /**
   * Takes the gate out of the weaving but keeps it, for a while, for frames of old woven code that
   * enter after the gate was unwoven (one that paused between its call and its entry advice): the
   * gate's version still tells them to re-invoke. Gates retired over a minute ago are dropped here,
   * so a service patched every few seconds for days does not keep every gate it ever had.
   */
  void remove(Gate gate) {
    gate.retire();
    long now = System.nanoTime();
    retired.values().removeIf(old -> !old.pinned() && now - old.atNanos() > retiredKeptNanos);
    retired.put(gate.id, new Retired(gate, now, false));
    gates.remove(gate.id);
  }

  /**
   * Takes the gate out of the weaving, and keeps it findable and working: the swap that follows
   * installs code without it, while frames of the old code still wait at it.
   */
  void unweave(Gate gate) {
    retired.put(gate.id, new Retired(gate, System.nanoTime(), gate.switchedOver()));
    gates.remove(gate.id);
  }

  /** Gates kept for stragglers; for tests. */
  int retiredCount() {
    return retired.size();
  }

  private Gate find(int id) {
    Gate gate = gates.get(id);
    if (gate != null) {
      return gate;
    }
    Retired old = retired.get(id);
    return old == null ? null : old.gate();
  }

  // ---- called through the bridge ----

  /**
   * @return null to run the body, else the re-invoker of the method (the frame's code is old)
   */
  public Object enter(int gate, int method, int version) {
    Gate found = find(gate);
    if (method == SWITCH) {
      return found != null && found.switchedOver() ? Boolean.TRUE : null;
    }
    return found != null && found.enter(version) ? found.methods.get(method).reinvoker() : null;
  }

  public void exit(int gate) {
    Gate found = find(gate);
    if (found != null) {
      found.exit();
    }
  }

  // ---- weaving ----

  @Override
  public boolean mayWeave(ClassLoader loader, String className) {
    return false;
  }

  @Override
  public List<Weaving> weavingsFor(
      ClassLoader loader,
      String className,
      Class<?> loaded,
      Supplier<TypeDescription> description) {
    if (loaded == null) {
      return List.of();
    }
    List<Weaving> weavings = new ArrayList<>();
    for (Gate gate : gates.values()) {
      for (int index = 0; index < gate.methods.size(); index++) {
        Gate.GatedMethod method = gate.methods.get(index);
        if (method.type() == loaded) {
          AsmVisitorWrapper visitor =
              advice(gate.id, gate.version(), index, method.name(), method.descriptor());
          weavings.add(() -> visitor);
        }
      }
    }
    return weavings;
  }

  private static AsmVisitorWrapper advice(
      int gateId, int version, int index, String name, String descriptor) {
    return Advice.withCustomMapping()
        .bind(GateBindings.GateId.class, gateId)
        .bind(GateBindings.GateVersion.class, version)
        .bind(GateBindings.GateMethod.class, index)
        .to(AdviceCode.TYPE, AdviceCode.CLASS_FILE)
        .on(
            ElementMatchers.<MethodDescription>named(name)
                .and(ElementMatchers.hasDescriptor(descriptor)));
  }

  /**
   * The gate advice's description and class file, read once: {@code Advice.to(GateAdvice.class)}
   * read the class file from the agent's jar again for every gate.
   */
  private static final class AdviceCode {
    static final TypeDescription TYPE = TypeDescription.ForLoadedType.of(GateAdvice.class);
    static final ClassFileLocator CLASS_FILE =
        ClassFileLocator.Simple.of(
            GateAdvice.class.getName(), ClassFileLocator.ForClassLoader.read(GateAdvice.class));

    private AdviceCode() {}
  }

  /**
   * Weaves a gate into a class of jlive's own, off to the side, and drops the bytes: the first
   * patch's gate then finds Byte Buddy's advice machinery loaded and warm (docs/BENCHMARKS.md,
   * section 25: 3 to 4 s of a first patch were that). Nothing is retransformed.
   *
   * @return the woven bytes
   */
  public static byte[] warmUp(ClassPipeline pipeline) {
    return pipeline.weaveAside(
        WarmUpTarget.class, advice(0, 1, 0, WarmUpTarget.METHOD, WarmUpTarget.DESCRIPTOR));
  }

  /** What {@link #warmUp} weaves into: a method with an argument and a result, as most have. */
  static final class WarmUpTarget {
    static final String METHOD = "twice";
    static final String DESCRIPTOR = "(I)I";

    private WarmUpTarget() {}

    static int twice(int value) {
      return 2 * value;
    }
  }
}

package dev.jlive.agent.safepoint;

import dev.jlive.agent.weave.Weaving;
import dev.jlive.agent.weave.WeavingSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;

/**
 * The gates that exist now, by id: what the bridge's gate calls reach, and a weaving source that
 * puts each gate's code into the methods of its set, stamped with the gate's current version.
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
    return found != null && found.enter(version) ? found.reinvoker(method) : null;
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
              weaving(gate.id, gate.version(), index, method.name(), method.descriptor());
          weavings.add(() -> visitor);
        }
      }
    }
    return weavings;
  }

  /**
   * The weaving of one gated method: the gate's code ({@link GateCode}), with this gate's id,
   * version and method index as the constants it passes to the bridge.
   */
  static AsmVisitorWrapper weaving(
      int gateId, int version, int index, String name, String descriptor) {
    return new AsmVisitorWrapper.ForDeclaredMethods()
        // The gate writes complete frames, so it needs every frame of the method complete too.
        .readerFlags(ClassReader.EXPAND_FRAMES)
        .invokable(
            ElementMatchers.<MethodDescription>named(name)
                .and(ElementMatchers.hasDescriptor(descriptor)),
            new GateWeaving(gateId, version, index));
  }

  /**
   * A gate weaving's numbers. A plain class, not a record: a record's generated methods would keep
   * the agent's class loader alive after a detach on Java 17 (see {@link QuiescentSwap.Member}).
   */
  private static final class GateWeaving
      implements AsmVisitorWrapper.ForDeclaredMethods.MethodVisitorWrapper {
    final int gate;
    final int version;
    final int method;

    GateWeaving(int gate, int version, int method) {
      this.gate = gate;
      this.version = version;
      this.method = method;
    }

    @Override
    public MethodVisitor wrap(
        TypeDescription instrumentedType,
        MethodDescription instrumentedMethod,
        MethodVisitor methodVisitor,
        Implementation.Context implementationContext,
        TypePool typePool,
        int writerFlags,
        int readerFlags) {
      return new GateCode(
          methodVisitor,
          instrumentedType.getInternalName(),
          instrumentedMethod.getModifiers(),
          instrumentedMethod.getDescriptor(),
          implementationContext.getClassFileVersion().isAtLeast(ClassFileVersion.JAVA_V6),
          gate,
          version,
          method);
    }
  }

  /**
   * A gate's weaving of one method, for weaving off to the side before any patch needs it (the
   * class-file warm-up, {@code patch.ClassFileWarmUp}): the same code and constants a gate weaves,
   * for gate 0, which no gate has (ids start at 1), so the bytes could never reach a gate.
   */
  public static AsmVisitorWrapper warmUpWeaving(String name, String descriptor) {
    return weaving(0, 1, 0, name, descriptor);
  }
}

package dev.jlive.agent.safepoint;

import dev.jlive.agent.weave.Weaving;
import dev.jlive.agent.weave.WeavingSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * The gates that exist now, by id: what the bridge's gate calls reach, and a weaving source that
 * puts each gate's advice into the methods of its set, stamped with the gate's current version.
 */
public final class Gates implements WeavingSource {
  private final Map<Integer, Gate> gates = new ConcurrentHashMap<>();
  private final Map<Integer, Gate> retired = new ConcurrentHashMap<>();
  private final AtomicInteger nextId = new AtomicInteger();

  Gate create(List<Gate.GatedMethod> methods) {
    Gate gate = new Gate(nextId.incrementAndGet(), methods);
    gates.put(gate.id, gate);
    return gate;
  }

  /**
   * Takes the gate out of the weaving but keeps it for calls still on their way through woven
   * code: a caller released from the gate may pause before it re-invokes, and must then still
   * find the gate (benchmarks hit "gate is gone" 3 times in 330 patches before this). Retired
   * gates are a few small objects per patch, dropped when the agent stops.
   */
  void remove(Gate gate) {
    gate.retire();
    retired.put(gate.id, gate);
    gates.remove(gate.id);
  }

  private Gate find(int id) {
    Gate gate = gates.get(id);
    return gate != null ? gate : retired.get(id);
  }

  // ---- called through the bridge ----

  public boolean enter(int gate, int version) throws InterruptedException {
    Gate found = find(gate);
    return found != null && found.enter(version);
  }

  public void exit(int gate) {
    Gate found = find(gate);
    if (found != null) {
      found.exit();
    }
  }

  public Object reinvoke(int gate, int method, Object self, Object[] args) throws Throwable {
    Gate found = find(gate);
    if (found == null) {
      throw new IllegalStateException("the safe-point gate " + gate + " is gone");
    }
    Gate.GatedMethod target = found.methods.get(method);
    List<Object> arguments = new ArrayList<>();
    if (!target.isStatic()) {
      arguments.add(self);
    }
    // Arguments may be null (Kotlin resumes a suspend function with null arguments): no List.of here.
    arguments.addAll(Arrays.asList(args));
    return target.reinvoker().invokeWithArguments(arguments);
  }

  // ---- weaving ----

  @Override
  public boolean mayWeave(ClassLoader loader, String className) {
    return false;
  }

  @Override
  public List<Weaving> weavingsFor(ClassLoader loader, String className, Class<?> loaded, Supplier<TypeDescription> description) {
    if (loaded == null) {
      return List.of();
    }
    List<Weaving> weavings = new ArrayList<>();
    for (Gate gate : gates.values()) {
      for (int index = 0; index < gate.methods.size(); index++) {
        Gate.GatedMethod method = gate.methods.get(index);
        if (method.type() == loaded) {
          AsmVisitorWrapper visitor = Advice.withCustomMapping()
              .bind(GateBindings.GateId.class, gate.id)
              .bind(GateBindings.GateVersion.class, gate.version())
              .bind(GateBindings.GateMethod.class, index)
              .to(GateAdvice.class)
              .on(ElementMatchers.<MethodDescription>named(method.name()).and(ElementMatchers.hasDescriptor(method.descriptor())));
          weavings.add(() -> visitor);
        }
      }
    }
    return weavings;
  }
}

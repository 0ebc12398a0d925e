package dev.jlive.agent.probe;

import dev.jlive.agent.expression.ProbeExpressions;
import dev.jlive.agent.expression.RunawayGuard;
import dev.jlive.bridge.JLiveBridge;
import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A Java expression of a probe for one method, compiled: its {@code --when} condition, or a
 * template placeholder such as {@code {quantity * priceCents}}. For a class that was not loaded
 * when the probe was added it is compiled later, off the application's threads; until then a
 * condition is false and a value renders as pending, so the probe emits nothing it should not.
 *
 * <p>Every call is timed ({@link RunawayGuard}): an expression whose calls run too long on the
 * application's threads stops running, and each later call fails at once, so the probe turns itself
 * off without holding a thread again. The time comes from the scope's clock, the engine's {@link
 * CoarseClock} (one volatile read): the guard's thresholds are 20 ms and more, and two {@code
 * nanoTime} reads would cost more than a false condition itself (docs/BENCHMARKS.md).
 */
final class ProbeExpression {
  private final String expression;
  private final boolean isStatic;
  private final List<ProbeExpressions.Variable> variables;
  private final ProbeExpressions.Variable returned;
  private final boolean atExit;
  private final boolean allowSideEffects;
  private final boolean isValue;
  private volatile MethodHandle handle;
  private volatile String failure;
  private final RunawayGuard guard;
  private final LongSupplier clock;

  /** True for a condition compiled to take the method's arguments as they are. */
  private final boolean typed;

  /** The typed condition, once compiled; guarded by this. */
  private MethodHandle typedHandle;

  /** Call sites linked while the typed condition was pending: false until it compiles. */
  private final List<MutableCallSite> pendingSites = new ArrayList<>();

  private static final MethodHandle START_CPU =
      own("typedStartCpu", MethodType.methodType(long.class, RunawayGuard.class));
  private static final MethodHandle START_WALL =
      own("typedStartWall", MethodType.methodType(long.class, LongSupplier.class));
  private static final MethodHandle RAN =
      own(
          "typedRan",
          MethodType.methodType(
              boolean.class,
              RunawayGuard.class,
              LongSupplier.class,
              long.class,
              long.class,
              boolean.class));

  /**
   * The context of an expression: what it can name, and the clock that times its calls.
   *
   * @param clock nanoseconds, as {@link System#nanoTime()}; a millisecond's precision is enough
   */
  record Scope(
      boolean isStatic,
      List<ProbeExpressions.Variable> variables,
      ProbeExpressions.Variable returned,
      boolean atExit,
      boolean allowSideEffects,
      LongSupplier clock) {
    /** Timed by the precise clock, for expressions outside a probe engine. */
    Scope(
        boolean isStatic,
        List<ProbeExpressions.Variable> variables,
        ProbeExpressions.Variable returned,
        boolean atExit,
        boolean allowSideEffects) {
      this(isStatic, variables, returned, atExit, allowSideEffects, System::nanoTime);
    }
  }

  static ProbeExpression condition(String expression, Scope scope) {
    return new ProbeExpression(
        expression,
        scope.isStatic(),
        scope.variables(),
        scope.returned(),
        scope.atExit(),
        scope.allowSideEffects(),
        false,
        scope.clock(),
        false);
  }

  /**
   * A condition at a method's entry that woven code tests with the receiver and the arguments as
   * they are ({@link #callSite}), so a false one allocates nothing. The caller checks that it fits
   * (entry point, no use of the {@code args} array, a class file that can link it).
   */
  static ProbeExpression typedCondition(String expression, Scope scope) {
    return new ProbeExpression(
        expression,
        scope.isStatic(),
        scope.variables(),
        null,
        false,
        scope.allowSideEffects(),
        false,
        scope.clock(),
        true);
  }

  static ProbeExpression value(String expression, Scope scope) {
    return new ProbeExpression(
        expression,
        scope.isStatic(),
        scope.variables(),
        scope.returned(),
        scope.atExit(),
        scope.allowSideEffects(),
        true,
        scope.clock(),
        false);
  }

  private ProbeExpression(
      String expression,
      boolean isStatic,
      List<ProbeExpressions.Variable> variables,
      ProbeExpressions.Variable returned,
      boolean atExit,
      boolean allowSideEffects,
      boolean isValue,
      LongSupplier clock,
      boolean typed) {
    this.clock = clock;
    this.typed = typed;
    this.expression = expression;
    this.isStatic = isStatic;
    this.variables = variables;
    this.returned = returned;
    this.atExit = atExit;
    this.allowSideEffects = allowSideEffects;
    this.isValue = isValue;
    this.guard =
        new RunawayGuard(
            (isValue ? "the template expression '" : "the condition '") + expression + "'");
  }

  /**
   * Compiles against the loaded class; throws {@link dev.jlive.protocol.JLiveException} with the
   * compiler's message.
   */
  void compile(Class<?> target) {
    if (typed) {
      MethodHandle compiled =
          ProbeExpressions.typedCondition(
              target, isStatic, variables, expression, allowSideEffects);
      handle = ProbeExpressions.boxedCaller(compiled, variables.size(), isStatic);
      linkPending(compiled);
      return;
    }
    handle =
        isValue
            ? ProbeExpressions.value(
                target, isStatic, variables, returned, atExit, expression, allowSideEffects)
            : ProbeExpressions.condition(
                target, isStatic, variables, returned, atExit, expression, allowSideEffects);
  }

  synchronized void failedToCompile(String why) {
    failure = why;
    pendingSites.clear();
  }

  boolean isTyped() {
    return typed;
  }

  /**
   * The call site of woven code that tests this typed condition; its type is the receiver (for an
   * instance method) and the method's parameters, to boolean. Until the condition compiles it
   * answers false, as {@link #test} does.
   */
  synchronized CallSite callSite(MethodType type) {
    if (typedHandle != null) {
      return new ConstantCallSite(timed(typedHandle, type));
    }
    MutableCallSite site = new MutableCallSite(JLiveBridge.alwaysFalse(type).getTarget());
    if (failure == null) {
      pendingSites.add(site);
    }
    return site;
  }

  private synchronized void linkPending(MethodHandle compiled) {
    typedHandle = compiled;
    for (MutableCallSite site : pendingSites) {
      site.setTarget(timed(compiled, site.type()));
    }
    MutableCallSite.syncAll(pendingSites.toArray(new MutableCallSite[0]));
    pendingSites.clear();
  }

  /**
   * The compiled condition timed by the runaway guard, as {@link #test} times it, built from method
   * handles that the JIT compiles into the caller: start the CPU and wall clocks (the first throws
   * once the guard stopped the expression), test, record the time. What the condition throws goes
   * to the woven code, which hands it to the probe. The guard and the clock are bound into the
   * handles, not read from this expression's fields: bound values are constants to C2, so the
   * timing reads no field of the expression and checks no type of the clock per call
   * (docs/BENCHMARKS.md, section 53).
   */
  private MethodHandle timed(MethodHandle compiled, MethodType type) {
    MethodHandle test = compiled.asType(type);
    MethodHandle ran = MethodHandles.insertArguments(RAN, 0, guard, clock);
    MethodHandle finish = MethodHandles.collectArguments(ran, 2, test);
    MethodHandle withWall = MethodHandles.foldArguments(finish, 1, START_WALL.bindTo(clock));
    return MethodHandles.foldArguments(withWall, 0, START_CPU.bindTo(guard));
  }

  private static long typedStartCpu(RunawayGuard guard) {
    guard.checkRunnable();
    return guard.cpuStart();
  }

  private static long typedStartWall(LongSupplier clock) {
    return clock.getAsLong();
  }

  private static boolean typedRan(
      RunawayGuard guard, LongSupplier clock, long cpuStart, long wallStart, boolean held) {
    guard.ran(clock.getAsLong() - wallStart, cpuStart);
    return held;
  }

  private static MethodHandle own(String name, MethodType type) {
    try {
      return MethodHandles.lookup().findStatic(ProbeExpression.class, name, type);
    } catch (ReflectiveOperationException e) {
      throw new LinkageError("ProbeExpression." + name, e);
    }
  }

  boolean isPending() {
    return handle == null && failure == null;
  }

  String failure() {
    return failure;
  }

  /**
   * True when the call satisfies the expression; false while uncompiled. Its own exceptions
   * propagate.
   */
  boolean test(ProbeCall call) throws Throwable {
    MethodHandle compiled = handle;
    if (compiled == null) {
      return false;
    }
    guard.checkRunnable();
    long cpu = guard.cpuStart();
    long start = clock.getAsLong();
    try {
      return (boolean)
          compiled.invokeExact(call.self(), call.args(), call.returned(), call.thrown());
    } finally {
      guard.ran(clock.getAsLong() - start, cpu);
    }
  }

  /**
   * The expression's value for a call; "<pending>" until compiled. Its own exceptions propagate.
   */
  Object value(ProbeCall call) throws Throwable {
    MethodHandle compiled = handle;
    if (compiled == null) {
      return "<pending>";
    }
    guard.checkRunnable();
    long cpu = guard.cpuStart();
    long start = clock.getAsLong();
    try {
      return (Object)
          compiled.invokeExact(call.self(), call.args(), call.returned(), call.thrown());
    } finally {
      guard.ran(clock.getAsLong() - start, cpu);
    }
  }
}

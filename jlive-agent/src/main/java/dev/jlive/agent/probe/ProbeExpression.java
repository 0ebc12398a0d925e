package dev.jlive.agent.probe;

import dev.jlive.agent.expression.ProbeExpressions;
import dev.jlive.agent.expression.RunawayGuard;
import java.lang.invoke.MethodHandle;
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
        scope.clock());
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
        scope.clock());
  }

  private ProbeExpression(
      String expression,
      boolean isStatic,
      List<ProbeExpressions.Variable> variables,
      ProbeExpressions.Variable returned,
      boolean atExit,
      boolean allowSideEffects,
      boolean isValue,
      LongSupplier clock) {
    this.clock = clock;
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
    handle =
        isValue
            ? ProbeExpressions.value(
                target, isStatic, variables, returned, atExit, expression, allowSideEffects)
            : ProbeExpressions.condition(
                target, isStatic, variables, returned, atExit, expression, allowSideEffects);
  }

  void failedToCompile(String why) {
    failure = why;
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

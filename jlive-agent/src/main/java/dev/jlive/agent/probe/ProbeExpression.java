package dev.jlive.agent.probe;

import dev.jlive.agent.expression.ProbeExpressions;
import dev.jlive.agent.expression.RunawayGuard;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * A Java expression of a probe for one method, compiled: its {@code --when} condition, or a
 * template placeholder such as {@code {quantity * priceCents}}. For a class that was not loaded
 * when the probe was added it is compiled later, off the application's threads; until then a
 * condition is false and a value renders as pending, so the probe emits nothing it should not.
 *
 * <p>Every call is timed ({@link RunawayGuard}): an expression whose calls run too long on the
 * application's threads stops running, and each later call fails at once, so the probe counts
 * failures and turns itself off without holding a thread again.
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

  /** The context of an expression: what it can name. */
  record Scope(boolean isStatic, List<ProbeExpressions.Variable> variables, ProbeExpressions.Variable returned, boolean atExit,
      boolean allowSideEffects) {}

  static ProbeExpression condition(String expression, Scope scope) {
    return new ProbeExpression(expression, scope.isStatic(), scope.variables(), scope.returned(), scope.atExit(),
        scope.allowSideEffects(), false);
  }

  static ProbeExpression value(String expression, Scope scope) {
    return new ProbeExpression(expression, scope.isStatic(), scope.variables(), scope.returned(), scope.atExit(),
        scope.allowSideEffects(), true);
  }

  private ProbeExpression(String expression, boolean isStatic, List<ProbeExpressions.Variable> variables,
      ProbeExpressions.Variable returned, boolean atExit, boolean allowSideEffects, boolean isValue) {
    this.expression = expression;
    this.isStatic = isStatic;
    this.variables = variables;
    this.returned = returned;
    this.atExit = atExit;
    this.allowSideEffects = allowSideEffects;
    this.isValue = isValue;
    this.guard = new RunawayGuard((isValue ? "the template expression '" : "the condition '") + expression + "'");
  }

  /** Compiles against the loaded class; throws {@link dev.jlive.protocol.JLiveException} with the compiler's message. */
  void compile(Class<?> target) {
    handle = isValue
        ? ProbeExpressions.value(target, isStatic, variables, returned, atExit, expression, allowSideEffects)
        : ProbeExpressions.condition(target, isStatic, variables, returned, atExit, expression, allowSideEffects);
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

  /** True when the call satisfies the expression; false while uncompiled. Its own exceptions propagate. */
  boolean test(ProbeCall call) throws Throwable {
    MethodHandle compiled = handle;
    if (compiled == null) {
      return false;
    }
    guard.checkRunnable();
    long cpu = guard.cpuStart();
    long start = System.nanoTime();
    try {
      return (boolean) compiled.invokeExact(call.self(), call.args(), call.returned(), call.thrown());
    } finally {
      guard.ran(System.nanoTime() - start, cpu);
    }
  }

  /** The expression's value for a call; "<pending>" until compiled. Its own exceptions propagate. */
  Object value(ProbeCall call) throws Throwable {
    MethodHandle compiled = handle;
    if (compiled == null) {
      return "<pending>";
    }
    guard.checkRunnable();
    long cpu = guard.cpuStart();
    long start = System.nanoTime();
    try {
      return (Object) compiled.invokeExact(call.self(), call.args(), call.returned(), call.thrown());
    } finally {
      guard.ran(System.nanoTime() - start, cpu);
    }
  }
}

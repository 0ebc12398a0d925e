package dev.jlive.agent.probe;

import dev.jlive.agent.expression.ProbeExpressions;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * A probe's {@code --when} expression for one method, compiled. For a class that was not loaded
 * when the probe was added it is compiled later, off the application's threads; until then it is
 * false, so the probe emits nothing it should not.
 */
final class Condition {
  private final String expression;
  private final boolean isStatic;
  private final List<ProbeExpressions.Variable> variables;
  private final ProbeExpressions.Variable returned;
  private final boolean atExit;
  private final boolean allowSideEffects;
  private volatile MethodHandle handle;
  private volatile String failure;

  Condition(String expression, boolean isStatic, List<ProbeExpressions.Variable> variables, ProbeExpressions.Variable returned,
      boolean atExit, boolean allowSideEffects) {
    this.expression = expression;
    this.isStatic = isStatic;
    this.variables = variables;
    this.returned = returned;
    this.atExit = atExit;
    this.allowSideEffects = allowSideEffects;
  }

  /** Compiles against the loaded class; throws {@link dev.jlive.protocol.JLiveException} with the compiler's message. */
  void compile(Class<?> target) {
    handle = ProbeExpressions.condition(target, isStatic, variables, returned, atExit, expression, allowSideEffects);
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
    return compiled != null && (boolean) compiled.invokeExact(call.self(), call.args(), call.returned(), call.thrown());
  }
}

package dev.jlive.agent.safepoint;

import dev.jlive.bridge.JLiveBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * The gate woven into each method of a quiescence set. On entry it may wait at a closed gate; if
 * the code was swapped meanwhile, the entry returns a re-invoker, the frame skips its (old) body,
 * and its exit re-invokes the method through it, so the call runs wholly new code, and returns what
 * that returned or throws what it threw. The re-invoker is held by the frame itself, so the exit no
 * longer depends on the agent: a detach between entry and exit cannot strand the call.
 */
final class GateAdvice {
  private GateAdvice() {}

  @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
  static Object enter(
      @GateBindings.GateId int gate,
      @GateBindings.GateMethod int method,
      @GateBindings.GateVersion int version) {
    return JLiveBridge.gateEnter(gate, method, version);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class)
  static void exit(
      @GateBindings.GateId int gate,
      @Advice.Enter Object reinvoker,
      @Advice.This(optional = true) Object self,
      @Advice.AllArguments Object[] args,
      @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
      @Advice.Thrown(readOnly = false) Throwable thrown) {
    if (reinvoker != null) {
      try {
        returned = JLiveBridge.reinvoke(reinvoker, self, args);
      } catch (Throwable failure) {
        thrown = failure;
      }
    } else {
      JLiveBridge.gateExit(gate);
    }
  }
}

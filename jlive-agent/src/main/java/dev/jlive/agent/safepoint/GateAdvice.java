package dev.jlive.agent.safepoint;

import dev.jlive.bridge.JLiveBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * The gate woven into each method of a quiescence set. On entry it may wait at a closed gate; if
 * the code was swapped meanwhile, the frame skips its (old) body and its exit re-invokes the
 * method, so the call runs wholly new code, and returns what that returned or throws what it threw.
 */
final class GateAdvice {
  private GateAdvice() {}

  @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
  static boolean enter(@GateBindings.GateId int gate, @GateBindings.GateVersion int version) {
    return JLiveBridge.gateEnter(gate, version);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class)
  static void exit(@GateBindings.GateId int gate, @GateBindings.GateMethod int method, @Advice.Enter boolean reinvoke,
      @Advice.This(optional = true) Object self, @Advice.AllArguments Object[] args,
      @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
      @Advice.Thrown(readOnly = false) Throwable thrown) {
    if (reinvoke) {
      try {
        returned = JLiveBridge.reinvoke(gate, method, self, args);
      } catch (Throwable failure) {
        thrown = failure;
      }
    } else {
      JLiveBridge.gateExit(gate);
    }
  }
}

package dev.jlive.agent.shadow;

import dev.jlive.bridge.JLiveBridge;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * The code woven into a shadowed method. The entry only asks whether this call is sampled (no
 * arguments, no allocation); the exit, after the method's own code has produced its outcome, hands
 * the receiver, the arguments and the outcome to the engine, which queues the candidate's run and
 * returns at once. Byte Buddy builds the argument array only inside the sampled branch, and the
 * exit reads the arguments as they were on entry (advice backs them up), even if the body assigned
 * its parameters.
 */
final class ShadowAdvice {
  private ShadowAdvice() {}

  /** The advice parameter bound to the site's slot, a constant per woven method. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.PARAMETER)
  @interface Slot {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter(@Slot int slot) {
    return JLiveBridge.shadowAdmit(slot);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Slot int slot,
      @Advice.Enter long token,
      @Advice.This(optional = true) Object self,
      @Advice.AllArguments Object[] args,
      @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object returned,
      @Advice.Thrown Throwable thrown) {
    if (token != 0L) {
      JLiveBridge.shadowExit(slot, token, self, args, returned, thrown);
    }
  }
}

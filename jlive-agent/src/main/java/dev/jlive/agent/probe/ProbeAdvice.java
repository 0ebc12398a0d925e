package dev.jlive.agent.probe;

import dev.jlive.bridge.JLiveBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * The code woven around probed methods. Byte Buddy copies these bodies into the application's
 * methods, with the probe's id as a constant. The calls made on every call of the method (an entry,
 * a timed exit) go to the site's own dispatcher ({@link LinkedDispatcher}: a linked call site that
 * C2 takes as a constant) straight from the woven code: that call is then in the probed method's
 * own bytecode, whose call profile makes C2 inline the probe's path however the methods between
 * were compiled (docs/ARCHITECTURE.md, "The hot path at the clock's floor"), and {@code suppress =
 * Throwable.class} fences it. Rarer calls (a kept event, a constructor) go through the bridge's
 * static methods, which fence each call. {@link BridgedProbeAdvice} holds the first kind for a
 * bridge left by an older agent, which cannot hand out its dispatcher. Constructors get their own
 * variants: their exceptions cannot be caught by advice, and {@code this} does not exist before the
 * super constructor ran.
 */
final class ProbeAdvice {
  private ProbeAdvice() {}

  /** The local in which {@link Exit}'s entry keeps the receiver of a call sampling kept. */
  static final String KEPT_SELF = "jliveKeptSelf";

  /** The local in which {@link Exit}'s entry keeps the arguments of a call sampling kept. */
  static final String KEPT_ARGS = "jliveKeptArgs";

  /** Counting only: one call on entry, no arguments, no allocation. */
  static final class Count {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@ProbeId int probe, @LinkedDispatcher JLiveBridge.Dispatcher linked) {
      JLiveBridge.Dispatcher dispatcher = linked;
      if (dispatcher != null) {
        dispatcher.timedEnter(probe);
      }
    }
  }

  /**
   * Counting and timing: a token on entry (the start time of a timed call), duration and outcome on
   * exit, no allocation. The exit runs for every call, timed or not, so exceptions are all counted.
   */
  static final class Timed {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@ProbeId int probe, @LinkedDispatcher JLiveBridge.Dispatcher linked) {
      JLiveBridge.Dispatcher dispatcher = linked;
      return dispatcher == null ? 0L : dispatcher.timedEnter(probe);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @ProbeId int probe,
        @Advice.Enter long token,
        @Advice.Thrown Throwable thrown,
        @LinkedDispatcher JLiveBridge.Dispatcher linked) {
      JLiveBridge.Dispatcher dispatcher = linked;
      if (dispatcher != null) {
        dispatcher.timedExit(probe, token, thrown);
      }
    }
  }

  static final class TimedConstructor {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@ProbeId int probe) {
      return JLiveBridge.timedEnter(probe);
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@ProbeId int probe, @Advice.Enter long token) {
      JLiveBridge.timedExit(probe, token, null);
    }
  }

  /**
   * Looking at the call on entry only. The bridge first counts the call and decides sampling and
   * the rate limit; Byte Buddy builds the argument array where the advice reads {@code args}, so a
   * dropped call allocates nothing and boxes nothing.
   */
  static final class Entry {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @ProbeId int probe,
        @Advice.This(optional = true) Object self,
        @Advice.AllArguments Object[] args,
        @LinkedDispatcher JLiveBridge.Dispatcher linked) {
      JLiveBridge.Dispatcher dispatcher = linked;
      long token = dispatcher == null ? 0L : dispatcher.admit(probe);
      if (token != 0L) {
        JLiveBridge.enterAdmitted(probe, token, self, args);
      }
    }
  }

  /**
   * As {@link Entry}, for a probe whose {@code --when} condition takes the method's arguments as
   * they are ({@link TypedConditionCall}): reading {@code holds} calls the condition with the
   * receiver and the unboxed arguments, so a call it rejects builds no array and no event. What the
   * condition throws goes to the probe, never to the application.
   */
  static final class TypedEntry {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @ProbeId int probe,
        @Advice.This(optional = true) Object self,
        @Advice.AllArguments Object[] args,
        @ConditionHolds boolean holds,
        @LinkedDispatcher JLiveBridge.Dispatcher linked) {
      JLiveBridge.Dispatcher dispatcher = linked;
      if (dispatcher != null && dispatcher.admit(probe) != 0L) {
        boolean held;
        try {
          held = holds;
        } catch (Throwable failure) {
          JLiveBridge.conditionFailed(probe, failure, self, args);
          return;
        }
        if (held) {
          JLiveBridge.enterAdmitted(probe, ProbeDispatcher.CONDITION_HELD, self, args);
        }
      }
    }
  }

  static final class EntryConstructor {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@ProbeId int probe, @Advice.AllArguments Object[] args) {
      long token = JLiveBridge.admit(probe);
      if (token != 0L) {
        JLiveBridge.enterAdmitted(probe, token, null, args);
      }
    }
  }

  /**
   * The local in which {@link SuspendTimed}'s and {@link SuspendExit}'s entry keeps the
   * continuation for the exit.
   */
  static final String KEPT_CONTINUATION = "jliveKeptContinuation";

  /**
   * The dispatcher's token for a fragment that resumes a suspended call; a constant, so the woven
   * code compares with the number and reads no field.
   */
  static final long RESUMED_FRAGMENT = ProbeDispatcher.RESUMED;

  /**
   * A Kotlin suspend function under a count, callers, or a log or capture at entry ({@link
   * KotlinSuspend}): the dispatcher gets only the continuation, which tells a call from a resumed
   * fragment, and the argument array is built only for a call it admits. So a count allocates
   * nothing and boxes nothing.
   */
  static final class SuspendEntry {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @ProbeId int probe,
        @Advice.This(optional = true) Object self,
        @Advice.AllArguments Object[] args,
        @LastArgument Object continuation,
        @LinkedDispatcher JLiveBridge.Dispatcher linked) {
      JLiveBridge.Dispatcher dispatcher = linked;
      long token = dispatcher == null ? 0L : dispatcher.suspendEnter(probe, continuation);
      if (token != 0L) {
        JLiveBridge.enterAdmitted(probe, token, self, args);
      }
    }
  }

  /**
   * A Kotlin suspend function under a metrics probe: as {@link Timed}, with the continuation, kept
   * in a local from the entry, and the returned value, which says whether the call suspended; no
   * argument array, no boxing (a suspend function returns an object).
   */
  static final class SuspendTimed {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(
        @ProbeId int probe,
        @LastArgument Object continuation,
        @Advice.Local(KEPT_CONTINUATION) Object keptContinuation,
        @LinkedDispatcher JLiveBridge.Dispatcher linked) {
      keptContinuation = continuation;
      JLiveBridge.Dispatcher dispatcher = linked;
      return dispatcher == null ? 0L : dispatcher.suspendEnter(probe, continuation);
    }

    @Advice.OnMethodExit(
        onThrowable = Throwable.class,
        suppress = Throwable.class,
        backupArguments = false)
    static void exit(
        @ProbeId int probe,
        @Advice.Enter long token,
        @Advice.Local(KEPT_CONTINUATION) Object continuation,
        @Advice.Return Object returned,
        @Advice.Thrown Throwable thrown,
        @LinkedDispatcher JLiveBridge.Dispatcher linked) {
      JLiveBridge.Dispatcher dispatcher = linked;
      if (dispatcher != null && token != 0L) {
        dispatcher.suspendExit(probe, token, continuation, returned, thrown);
      }
    }
  }

  /**
   * A Kotlin suspend function under a log or capture at exit: as {@link Exit}, with the
   * continuation. The dispatcher decides sampling at the call's first fragment, given only the
   * continuation; only for a call it kept is the argument array built and kept, with the receiver,
   * for the exit. A kept call's first fragment ends through {@code JLiveBridge.exit} with them (the
   * dispatcher keeps them if the call suspended); a fragment that resumes a kept call ends through
   * the dispatcher's {@code suspendExit}, which completes the call with what its first fragment
   * kept. So a call left out allocates nothing, on any of its fragments.
   */
  static final class SuspendExit {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(
        @ProbeId int probe,
        @Advice.This(optional = true) Object self,
        @Advice.AllArguments Object[] args,
        @LastArgument Object continuation,
        @Advice.Local(KEPT_CONTINUATION) Object keptContinuation,
        @Advice.Local(KEPT_SELF) Object keptSelf,
        @Advice.Local(KEPT_ARGS) Object[] keptArgs,
        @LinkedDispatcher JLiveBridge.Dispatcher linked) {
      keptContinuation = continuation;
      JLiveBridge.Dispatcher dispatcher = linked;
      long token = dispatcher == null ? 0L : dispatcher.suspendEnter(probe, continuation);
      if (token != 0L && token != RESUMED_FRAGMENT) {
        keptSelf = self;
        keptArgs = args;
      }
      return token;
    }

    @Advice.OnMethodExit(
        onThrowable = Throwable.class,
        suppress = Throwable.class,
        backupArguments = false)
    static void exit(
        @ProbeId int probe,
        @Advice.Enter long token,
        @Advice.Local(KEPT_CONTINUATION) Object continuation,
        @Advice.Local(KEPT_SELF) Object self,
        @Advice.Local(KEPT_ARGS) Object[] args,
        @Advice.Return Object returned,
        @Advice.Thrown Throwable thrown,
        @LinkedDispatcher JLiveBridge.Dispatcher linked) {
      if (token == RESUMED_FRAGMENT) {
        JLiveBridge.Dispatcher dispatcher = linked;
        if (dispatcher != null) {
          dispatcher.suspendExit(probe, token, continuation, returned, thrown);
        }
      } else if (token != 0L) {
        JLiveBridge.exit(probe, token, self, args, returned, thrown);
      }
    }
  }

  /**
   * A Kotlin suspend function under a log or capture of exceptions: as {@link ExceptionExit}, with
   * the continuation. A call's first fragment builds the argument array only when it threw, or when
   * it suspended, since the exception may then come in a fragment that resumes it, whose arguments
   * are not the call's (the dispatcher keeps them with the call). The arguments are the call's as
   * they were on entry (Byte Buddy's backup of them, kept in locals without allocating).
   */
  static final class SuspendExceptionExit {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(
        @ProbeId int probe,
        @LastArgument Object continuation,
        @Advice.Local(KEPT_CONTINUATION) Object keptContinuation,
        @LinkedDispatcher JLiveBridge.Dispatcher linked) {
      keptContinuation = continuation;
      JLiveBridge.Dispatcher dispatcher = linked;
      return dispatcher == null ? 0L : dispatcher.suspendEnter(probe, continuation);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @ProbeId int probe,
        @Advice.Enter long token,
        @Advice.Local(KEPT_CONTINUATION) Object continuation,
        @Advice.This(optional = true) Object self,
        @Advice.AllArguments Object[] args,
        @Advice.Return Object returned,
        @Advice.Thrown Throwable thrown,
        @LinkedDispatcher JLiveBridge.Dispatcher linked) {
      if (token == RESUMED_FRAGMENT) {
        JLiveBridge.Dispatcher dispatcher = linked;
        if (dispatcher != null) {
          dispatcher.suspendExit(probe, token, continuation, returned, thrown);
        }
      } else if (token != 0L
          && (thrown != null
              // Kotlin's COROUTINE_SUSPENDED, without naming a Kotlin class in woven code: an
              // enum constant of that name (the dispatcher checks its class).
              || (returned instanceof Enum
                  && ((Enum<?>) returned).name().equals(SUSPENDED_CONSTANT)))) {
        JLiveBridge.exit(probe, token, self, args, returned, thrown);
      }
    }
  }

  /** The name of Kotlin's {@code CoroutineSingletons.COROUTINE_SUSPENDED}. */
  static final String SUSPENDED_CONSTANT = "COROUTINE_SUSPENDED";

  /** Looking at the call on entry and on exit (return value or exception). */
  static final class Full {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(
        @ProbeId int probe,
        @Advice.This(optional = true) Object self,
        @Advice.AllArguments Object[] args) {
      return JLiveBridge.enter(probe, self, args);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @ProbeId int probe,
        @Advice.Enter long token,
        @Advice.This(optional = true) Object self,
        @Advice.AllArguments Object[] args,
        @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object returned,
        @Advice.Thrown Throwable thrown) {
      JLiveBridge.exit(probe, token, self, args, returned, thrown);
    }
  }

  /**
   * Looking at the call on exit: the entry counts the call and decides sampling, and only for a
   * call that sampling kept builds the argument array (Byte Buddy builds it where the advice reads
   * {@code args}) and keeps it, with the receiver, in two locals for the exit. So a call left out
   * allocates nothing, and the method's arguments need not stay alive until its end: the exit reads
   * the two locals, not the arguments, and a call left out costs what one left out by an entry
   * probe costs (docs/BENCHMARKS.md, section 54). The arguments are the call's, as they were on
   * entry, which is also what Byte Buddy's backup of the arguments gave the exit before.
   */
  static final class Exit {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(
        @ProbeId int probe,
        @Advice.This(optional = true) Object self,
        @Advice.AllArguments Object[] args,
        @Advice.Local(KEPT_SELF) Object keptSelf,
        @Advice.Local(KEPT_ARGS) Object[] keptArgs,
        @LinkedDispatcher JLiveBridge.Dispatcher linked) {
      JLiveBridge.Dispatcher dispatcher = linked;
      long token = dispatcher == null ? 0L : dispatcher.timedEnter(probe);
      if (token != 0L) {
        keptSelf = self;
        keptArgs = args;
      }
      return token;
    }

    @Advice.OnMethodExit(
        onThrowable = Throwable.class,
        suppress = Throwable.class,
        backupArguments = false)
    static void exit(
        @ProbeId int probe,
        @Advice.Enter long token,
        @Advice.Local(KEPT_SELF) Object self,
        @Advice.Local(KEPT_ARGS) Object[] args,
        @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object returned,
        @Advice.Thrown Throwable thrown) {
      if (token != 0L && thrown == null) {
        JLiveBridge.exit(probe, token, self, args, returned, thrown);
      }
    }
  }

  /**
   * As {@link Exit}, for a recording: the exit reports both outcomes, a return value or an
   * exception, for the calls sampling kept. Its entry is {@link Exit}'s ({@link
   * BridgedProbeAdvice#to} weaves the two together), which keeps the receiver and arguments.
   */
  static final class Outcome {
    @Advice.OnMethodExit(
        onThrowable = Throwable.class,
        suppress = Throwable.class,
        backupArguments = false)
    static void exit(
        @ProbeId int probe,
        @Advice.Enter long token,
        @Advice.Local(KEPT_SELF) Object self,
        @Advice.Local(KEPT_ARGS) Object[] args,
        @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object returned,
        @Advice.Thrown Throwable thrown) {
      if (token != 0L) {
        JLiveBridge.exit(probe, token, self, args, returned, thrown);
      }
    }
  }

  /** As {@link Exit}, for a probe on exceptions: a call that returns builds nothing either. */
  static final class ExceptionExit {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@ProbeId int probe, @LinkedDispatcher JLiveBridge.Dispatcher linked) {
      JLiveBridge.Dispatcher dispatcher = linked;
      return dispatcher == null ? 0L : dispatcher.timedEnter(probe);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @ProbeId int probe,
        @Advice.Enter long token,
        @Advice.This(optional = true) Object self,
        @Advice.AllArguments Object[] args,
        @Advice.Thrown Throwable thrown) {
      if (token != 0L && thrown != null) {
        JLiveBridge.exit(probe, token, self, args, null, thrown);
      }
    }
  }

  static final class FullConstructor {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@ProbeId int probe, @Advice.AllArguments Object[] args) {
      return JLiveBridge.enter(probe, null, args);
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
        @ProbeId int probe,
        @Advice.Enter long token,
        @Advice.This Object self,
        @Advice.AllArguments Object[] args) {
      JLiveBridge.exit(probe, token, self, args, null, null);
    }
  }
}

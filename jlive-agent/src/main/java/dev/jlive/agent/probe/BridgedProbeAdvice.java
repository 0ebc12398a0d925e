package dev.jlive.agent.probe;

import dev.jlive.bridge.JLiveBridge;
import java.util.Map;
import net.bytebuddy.asm.Advice;

/**
 * The advice of {@link ProbeAdvice} that calls the bridge's dispatcher straight from woven code,
 * written for a bridge that cannot hand its dispatcher out: the bridge stays on the boot class path
 * for the JVM's life, so a JVM an older jlive was attached to first keeps that older bridge. Here
 * every call goes through the bridge's static methods, which fence it; C2 may then leave the
 * probe's entry as a call of its own (docs/ARCHITECTURE.md, "The hot path at the clock's floor").
 */
final class BridgedProbeAdvice {
  private BridgedProbeAdvice() {}

  /** Whether this JVM's bridge hands out its dispatcher ({@code JLiveBridge.dispatcher()}). */
  static final boolean DIRECT_DISPATCH = bridgeHandsOutDispatcher();

  /**
   * Whether this JVM's bridge takes a Kotlin suspend function's continuation on its own ({@code
   * Dispatcher.suspendEnter}); where it does not, suspend functions get {@link ProbeAdvice.Full},
   * which hands the dispatcher every argument.
   */
  static final boolean SUSPEND_DISPATCH =
      System.getProperty("jlive.probe.adviceDispatch", "").equals("direct")
          || (DIRECT_DISPATCH && dispatcherTakesContinuations());

  /**
   * The entry to weave with {@code advice}'s exit on an older bridge, by {@link ProbeAdvice} class.
   */
  private static final Map<Class<?>, Class<?>> ENTRY_FOR_OLDER_BRIDGE =
      Map.of(
          ProbeAdvice.Count.class, Count.class,
          ProbeAdvice.Timed.class, TimedEnter.class,
          ProbeAdvice.Entry.class, Entry.class,
          ProbeAdvice.TypedEntry.class, TypedEntry.class,
          ProbeAdvice.Exit.class, KeptEnter.class,
          ProbeAdvice.Outcome.class, KeptEnter.class,
          ProbeAdvice.ExceptionExit.class, TimedEnter.class);

  /**
   * The advice to weave for {@code advice} ({@link ProbeAdvice}): itself with a current bridge; on
   * an older bridge, an entry from here and the exit of {@code advice}, whose exits call the
   * bridge's static methods, except {@link ProbeAdvice.Timed}'s.
   */
  static Advice to(Advice.WithCustomMapping mapping, Class<?> advice) {
    return to(mapping, advice, DIRECT_DISPATCH);
  }

  static Advice to(Advice.WithCustomMapping mapping, Class<?> advice, boolean directDispatch) {
    Class<?> entry = ENTRY_FOR_OLDER_BRIDGE.get(advice);
    if (directDispatch && advice == ProbeAdvice.Outcome.class) {
      // A recording's exit has the exit log's entry, which keeps the call's receiver and arguments.
      return mapping.to(ProbeAdvice.Exit.class, advice);
    }
    if (directDispatch || entry == null) {
      return mapping.to(advice);
    }
    if (entry != TimedEnter.class && entry != KeptEnter.class) {
      // Count, Entry and TypedEntry have no exit.
      return mapping.to(entry);
    }
    return mapping.to(entry, advice == ProbeAdvice.Timed.class ? TimedExit.class : advice);
  }

  private static boolean bridgeHandsOutDispatcher() {
    // Tests only: "bridged" weaves this advice with a current bridge, to show it still reaches the
    // probe; "direct" weaves ProbeAdvice's (the suspend functions' too) with an older bridge, to
    // show what this class prevents.
    String forced = System.getProperty("jlive.probe.adviceDispatch", "");
    if (forced.equals("bridged") || forced.equals("direct")) {
      return forced.equals("direct");
    }
    try {
      JLiveBridge.class.getMethod("dispatcher");
      return true;
    } catch (NoSuchMethodException olderBridge) {
      return false;
    }
  }

  private static boolean dispatcherTakesContinuations() {
    try {
      JLiveBridge.Dispatcher.class.getMethod("suspendEnter", int.class, Object.class);
      return true;
    } catch (NoSuchMethodException olderBridge) {
      return false;
    }
  }

  static final class Count {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@ProbeId int probe) {
      JLiveBridge.timedEnter(probe);
    }
  }

  static final class TimedEnter {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@ProbeId int probe) {
      return JLiveBridge.timedEnter(probe);
    }
  }

  /**
   * {@link ProbeAdvice.Exit}'s entry through the bridge's static method: the receiver and arguments
   * of a call sampling kept, in the locals the exit reads.
   */
  static final class KeptEnter {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(
        @ProbeId int probe,
        @Advice.This(optional = true) Object self,
        @Advice.AllArguments Object[] args,
        @Advice.Local(ProbeAdvice.KEPT_SELF) Object keptSelf,
        @Advice.Local(ProbeAdvice.KEPT_ARGS) Object[] keptArgs) {
      long token = JLiveBridge.timedEnter(probe);
      if (token != 0L) {
        keptSelf = self;
        keptArgs = args;
      }
      return token;
    }
  }

  static final class TimedExit {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @ProbeId int probe, @Advice.Enter long token, @Advice.Thrown Throwable thrown) {
      JLiveBridge.timedExit(probe, token, thrown);
    }
  }

  static final class Entry {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @ProbeId int probe,
        @Advice.This(optional = true) Object self,
        @Advice.AllArguments Object[] args) {
      long token = JLiveBridge.admit(probe);
      if (token != 0L) {
        JLiveBridge.enterAdmitted(probe, token, self, args);
      }
    }
  }

  static final class TypedEntry {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @ProbeId int probe,
        @Advice.This(optional = true) Object self,
        @Advice.AllArguments Object[] args,
        @ConditionHolds boolean holds) {
      if (JLiveBridge.admit(probe) != 0L) {
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
}

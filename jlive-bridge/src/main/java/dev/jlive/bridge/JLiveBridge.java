package dev.jlive.bridge;

import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;

/**
 * The only jlive code in the boot loader, so that code in any class loader of the application can
 * reach the agent, and the agent can be found again on a second attach.
 *
 * <p>It uses {@code java.*} types only. It holds a volatile reference to the running agent and to
 * its probe {@link Dispatcher}, both swapped on start and stop. Probe advice woven into application
 * methods calls the static methods below with an integer probe id; each call is fenced, so nothing
 * a probe does can throw into the application. Everything else lives in the agent's own class
 * loader, which becomes collectable once both references are cleared.
 */
public final class JLiveBridge {
  private static volatile Object agent;
  private static volatile Dispatcher dispatcher;

  private JLiveBridge() {}

  /** The running agent, or null when none runs in this JVM. */
  public static Object agent() {
    return agent;
  }

  /**
   * Makes {@code candidate} the running agent unless one runs already.
   *
   * @return the agent that runs after the call: {@code candidate}, or the one that was there
   */
  public static synchronized Object claim(Object candidate) {
    if (agent == null) {
      agent = candidate;
    }
    return agent;
  }

  /** Clears the running agent if it is {@code owner}; a stale stop must not clear a newer agent. */
  public static synchronized boolean release(Object owner) {
    if (agent == owner) {
      agent = null;
      dispatcher = null;
      return true;
    }
    return false;
  }

  /**
   * The running agent's dispatcher, or null. Probe advice calls it itself rather than through the
   * static methods below: the call then sits in the probed method's own bytecode, whose profile
   * tells C2 it is hot, so C2 inlines the probe's path into the method however the methods between
   * were compiled (docs/ARCHITECTURE.md, "The hot path at the clock's floor"). Such advice is
   * fenced by its own catch of every {@code Throwable}.
   */
  public static Dispatcher dispatcher() {
    return dispatcher;
  }

  /** Routes probe calls to {@code next}, or nowhere when it is null. */
  public static void dispatchTo(Dispatcher next) {
    dispatcher = next;
  }

  // ---- called from woven application code: never throw, never block ----

  /** Entry of a probe that counts or times: no arguments, so no boxing and no allocation. */
  public static long timedEnter(int probe) {
    Dispatcher target = dispatcher;
    if (target == null) {
      return 0L;
    }
    try {
      return target.timedEnter(probe);
    } catch (Throwable t) {
      return 0L;
    }
  }

  public static void timedExit(int probe, long token, Throwable thrown) {
    Dispatcher target = dispatcher;
    if (target == null) {
      return;
    }
    try {
      target.timedExit(probe, token, thrown);
    } catch (Throwable t) {
      // fenced: a probe never throws into the application
    }
  }

  /** Entry of a probe that looks at the call: the receiver (null for static) and the arguments. */
  public static long enter(int probe, Object self, Object[] args) {
    Dispatcher target = dispatcher;
    if (target == null) {
      return 0L;
    }
    try {
      return target.enter(probe, self, args);
    } catch (Throwable t) {
      return 0L;
    }
  }

  /**
   * First half of a probe's entry that may decide before the arguments are built: counts the call
   * and, if it can, decides whether it is dropped. 0 means nothing more to do; any other value is
   * passed to {@link #enterAdmitted} with the receiver and the arguments, which the woven code
   * builds only then. So a dropped call allocates and boxes nothing.
   */
  public static long admit(int probe) {
    Dispatcher target = dispatcher;
    if (target == null) {
      return 0L;
    }
    try {
      return target.admit(probe);
    } catch (Throwable t) {
      return 0L;
    }
  }

  public static void enterAdmitted(int probe, long token, Object self, Object[] args) {
    Dispatcher target = dispatcher;
    if (target == null) {
      return;
    }
    try {
      target.enterAdmitted(probe, token, self, args);
    } catch (Throwable t) {
      // fenced: a probe never throws into the application
    }
  }

  public static void exit(
      int probe, long token, Object self, Object[] args, Object returned, Throwable thrown) {
    Dispatcher target = dispatcher;
    if (target == null) {
      return;
    }
    try {
      target.exit(probe, token, self, args, returned, thrown);
    } catch (Throwable t) {
      // fenced: a probe never throws into the application
    }
  }

  /**
   * Links the {@code invokedynamic} that a log or capture probe with a typed {@code --when}
   * condition weaves into its method: the call site takes the receiver (for an instance method) and
   * the method's arguments as they are, and answers whether the condition holds, so a call it
   * rejects builds no argument array and boxes nothing. Never fails: without an agent, or on any
   * failure, the condition is false.
   *
   * @param probe the probe's slot, a static argument of the call site
   */
  public static CallSite conditionSite(
      MethodHandles.Lookup caller, String name, MethodType type, int probe) {
    Dispatcher target = dispatcher;
    try {
      CallSite site = target == null ? null : target.conditionSite(probe, type);
      if (site != null && site.type().equals(type)) {
        return site;
      }
    } catch (Throwable t) {
      // fenced: the condition is false
    }
    return alwaysFalse(type);
  }

  /**
   * Links the {@code invokedynamic} that probe advice reads its dispatcher with: the call site
   * answers a dispatcher made for this one probe site, so the woven code reaches the probe with no
   * lookup by slot, and C2 sees a constant (docs/ARCHITECTURE.md, "The hot path at the clock's
   * floor"). The agent points the call site at null when the site is removed or the agent stops, so
   * woven code left behind holds nothing of the agent. Never fails: without an agent, or on any
   * failure, the call site answers null and the advice does nothing.
   *
   * @param probe the probe's slot, a static argument of the call site
   */
  public static CallSite probeDispatcher(
      MethodHandles.Lookup caller, String name, MethodType type, int probe) {
    Dispatcher target = dispatcher;
    try {
      CallSite site = target == null ? null : target.probeDispatcher(probe);
      if (site != null && site.type().equals(type)) {
        return site;
      }
    } catch (Throwable t) {
      // fenced: the advice finds no dispatcher
    }
    return new ConstantCallSite(MethodHandles.constant(Dispatcher.class, null));
  }

  /** A call site of {@code type} that answers false without looking at its arguments. */
  public static CallSite alwaysFalse(MethodType type) {
    return new ConstantCallSite(
        MethodHandles.dropArguments(
            MethodHandles.constant(boolean.class, false), 0, type.parameterList()));
  }

  /**
   * The typed condition that {@link #conditionSite} linked threw (or was stopped for running too
   * long): the woven code passes what it threw with the call's receiver and arguments.
   */
  public static void conditionFailed(int probe, Throwable failure, Object self, Object[] args) {
    Dispatcher target = dispatcher;
    if (target == null) {
      return;
    }
    try {
      target.conditionFailed(probe, failure, self, args);
    } catch (Throwable t) {
      // fenced: a probe never throws into the application
    }
  }

  /**
   * A part of a traced or line-profiled method starts: before a call it makes, or where one of its
   * lines starts (which also ends the line before). Nothing is passed but two ints, so nothing is
   * boxed, and the woven code leaves the stack as it was.
   */
  public static void partEnter(int probe, int part) {
    Dispatcher target = dispatcher;
    if (target == null) {
      return;
    }
    try {
      target.partEnter(probe, part);
    } catch (Throwable t) {
      // fenced: a probe never throws into the application
    }
  }

  /** A call that {@link #partEnter} started returned. */
  public static void partExit(int probe, int part) {
    Dispatcher target = dispatcher;
    if (target == null) {
      return;
    }
    try {
      target.partExit(probe, part);
    } catch (Throwable t) {
      // fenced: a probe never throws into the application
    }
  }

  // ---- the safe-point gate woven into the methods a patch changes ----

  /**
   * Entry of a gated method. Waits while the gate is closed. Returns null when the frame runs its
   * body, which is also the answer to any failure and when no agent runs; otherwise the frame runs
   * a version of the code that has been replaced: it skips its body, and its exit passes the
   * returned re-invoker to {@link #reinvoke}, which runs the new code.
   */
  public static Object gateEnter(int gate, int method, int version) {
    Dispatcher target = dispatcher;
    if (target == null) {
      return null;
    }
    try {
      return target.gateEnter(gate, method, version);
    } catch (Throwable t) {
      return null;
    }
  }

  public static void gateExit(int gate) {
    Dispatcher target = dispatcher;
    if (target == null) {
      return;
    }
    try {
      target.gateExit(gate);
    } catch (Throwable t) {
      // fenced
    }
  }

  /**
   * Calls the method again, now running its new code. {@code reinvoker} is what {@link #gateEnter}
   * returned: a {@code (Object self, Object[] args) Object} handle made when the gate was, so this
   * needs neither the agent nor its gate any more (a detach in between cannot strand the call).
   * What it throws is the method's own exception.
   */
  public static Object reinvoke(Object reinvoker, Object self, Object[] args) throws Throwable {
    return (Object) ((MethodHandle) reinvoker).invokeExact(self, args);
  }

  // ---- shadow runs: the exit advice woven into the methods a candidate patch changes ----

  /**
   * Entry of a shadowed method: 0 when this call is not shadowed (not sampled, or no shadow runs),
   * else a token that {@link #shadowExit} passes back with the call's outcome.
   */
  public static long shadowAdmit(int site) {
    Dispatcher target = dispatcher;
    if (target == null) {
      return 0L;
    }
    try {
      return target.shadowAdmit(site);
    } catch (Throwable t) {
      return 0L;
    }
  }

  /** Exit of a shadowed call that {@link #shadowAdmit} admitted: hands its outcome over. */
  public static void shadowExit(
      int site, long token, Object self, Object[] args, Object returned, Throwable thrown) {
    Dispatcher target = dispatcher;
    if (target == null) {
      return;
    }
    try {
      target.shadowExit(site, token, self, args, returned, thrown);
    } catch (Throwable t) {
      // fenced: a shadow never throws into the application
    }
  }

  // ---- woven into java.lang.ProcessBuilder#start when the agent is linked to a controller ----

  /**
   * The command a process about to start should run instead of {@code command}: a child JVM gets
   * the agent too. Null to leave the command as it is, which is also the answer to any failure.
   */
  public static List<String> childCommand(List<String> command) {
    Dispatcher target = dispatcher;
    if (target == null) {
      return null;
    }
    try {
      return target.childCommand(command);
    } catch (Throwable t) {
      return null;
    }
  }

  /**
   * What the agent implements to receive probe, gate and child-JVM calls; the second and last
   * bridge class. The agent owns one for its whole life, so gates still count callers while the
   * patches are reverted at stop.
   */
  public abstract static class Dispatcher {
    protected Dispatcher() {}

    public abstract long timedEnter(int probe);

    public abstract void timedExit(int probe, long token, Throwable thrown);

    public abstract long enter(int probe, Object self, Object[] args);

    public abstract void exit(
        int probe, long token, Object self, Object[] args, Object returned, Throwable thrown);

    /** See {@link JLiveBridge#admit}; by default every call goes on to {@link #enterAdmitted}. */
    public long admit(int probe) {
      return 1L;
    }

    /** See {@link JLiveBridge#enterAdmitted}; by default the whole entry, as {@link #enter}. */
    public void enterAdmitted(int probe, long token, Object self, Object[] args) {
      enter(probe, self, args);
    }

    /**
     * See {@link JLiveBridge#probeDispatcher}: a call site of type {@code ()Dispatcher} for the
     * probe's slot, or null (the advice does nothing) by default.
     */
    public CallSite probeDispatcher(int probe) {
      return null;
    }

    /** See {@link JLiveBridge#conditionSite}; null (a false condition) by default. */
    public CallSite conditionSite(int probe, MethodType type) {
      return null;
    }

    /** See {@link JLiveBridge#conditionFailed}. */
    public void conditionFailed(int probe, Throwable failure, Object self, Object[] args) {}

    /**
     * The entry of one invocation of a Kotlin suspend function, given only its continuation (its
     * last argument): 0 when nothing more is to be done, else a token for {@link #enterAdmitted} or
     * {@link #suspendExit}. Called by the advice on a site's own dispatcher, so a call left out
     * builds no argument array; by default (a dispatcher that predates it) nothing is done.
     */
    public long suspendEnter(int probe, Object continuation) {
      return 0L;
    }

    /** The exit of an invocation whose {@link #suspendEnter} returned {@code token}. */
    public void suspendExit(
        int probe, long token, Object continuation, Object returned, Throwable thrown) {}

    /** See {@link JLiveBridge#partEnter}; by default parts are not timed. */
    public void partEnter(int probe, int part) {}

    /** See {@link JLiveBridge#partExit}. */
    public void partExit(int probe, int part) {}

    /**
     * See {@link JLiveBridge#gateEnter}: null to run the body, else a re-invoker for {@link
     * JLiveBridge#reinvoke}.
     */
    public abstract Object gateEnter(int gate, int method, int version);

    public abstract void gateExit(int gate);

    /** See {@link JLiveBridge#shadowAdmit}; by default no call is shadowed. */
    public long shadowAdmit(int site) {
      return 0L;
    }

    /** See {@link JLiveBridge#shadowExit}. */
    public void shadowExit(
        int site, long token, Object self, Object[] args, Object returned, Throwable thrown) {}

    /**
     * See {@link JLiveBridge#childCommand}; not abstract, so that a dispatcher without it leaves
     * commands alone.
     */
    public List<String> childCommand(List<String> command) {
      return null;
    }
  }
}

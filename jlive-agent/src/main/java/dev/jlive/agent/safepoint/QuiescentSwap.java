package dev.jlive.agent.safepoint;

import dev.jlive.protocol.patch.SafepointReport;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Swaps code at a quiescent safe point: every invocation of a method of the set either runs wholly
 * old code and ends before the swap, or wholly new code.
 *
 * <ol>
 *   <li>Weave an open gate into the set.
 *   <li>Close the gate; wait, a bounded attempt, until no counted frame of the set runs.
 *   <li>Frames that began before the gate existed are not counted by it: with the gate closed and
 *       its count at zero, a thread dump shows them (a thread waiting at the gate shows one frame
 *       of the set, the one it waits to enter; any other is uncounted). If there are any, this
 *       attempt failed. The closed gate keeps the picture still: frames can only end, or wait.
 *   <li>Evaluate the user's check, if any.
 *   <li>Swap. When the gate went in with both bodies of every changed method behind its switch
 *       ({@link BodySwitch}), turn the switch and take the gate out of the weaving: no
 *       retransformation at the safe point, and threads that waited run the new body. Gate and old
 *       bodies leave with a clean-up retransformation after the answer, off the caller's path.
 *       Otherwise (a constructor changed, a class without stack map frames, merged code the JVM
 *       refused) mark the new version and take the gate out of the weaving, then the caller's
 *       action installs the new code with a second retransformation, without the gate. Open the
 *       gate: threads that waited hold frames of the old code and re-invoke, running the new code.
 *   <li>Otherwise open the gate and try again, until the overall time-out; then change nothing and
 *       name the threads and frames that blocked.
 * </ol>
 */
public final class QuiescentSwap {
  /** How long one closed-gate attempt may stall callers. */
  static final Duration ATTEMPT = Duration.ofMillis(200);

  /** Pause between attempts, so callers run between two closings of the gate. */
  private static final long SCAN_PAUSE_MILLIS = 5;

  private final Gates gates;
  private final System.Logger log;

  public QuiescentSwap(Gates gates, System.Logger log) {
    this.gates = gates;
    this.log = log;
  }

  /** What the swap must do at the safe point, and how to weave or unweave the gate. */
  public interface Actions {
    /**
     * Retransforms the classes of the set with the gate woven in (its current state).
     *
     * @param gate the gate's id, which the body switch asks
     * @return true when every changed method went in with both bodies behind the gate's switch,
     *     false when only the gate went in
     */
    boolean weaveGate(int gate) throws Exception;

    /** Retransforms the classes of the set without the gate, when no swap came. */
    void unweaveGate() throws Exception;

    /**
     * Installs the new code; runs with the gate closed and the set quiescent. It makes the new code
     * the classes' base, then runs {@code gateOut}, then retransforms them in one call: a
     * retransformation by anyone else in between weaves the old code with the gate, or the new code
     * with or without it, never the old code without it.
     */
    void swap(Runnable gateOut) throws Exception;

    /**
     * With both bodies woven in, the swap: makes the new code the classes' base for every later
     * retransformation, which then leaves the gate and the old bodies out. No JVM call.
     */
    void commit();

    /**
     * After a switched swap: retransforms the classes later, off the caller's path, to take the
     * gate and the old bodies out, then runs {@code done}; not at all if that fails (the gate then
     * stays, since code that asks its switch may still run).
     */
    void cleanUp(Runnable done);
  }

  /**
   * A method of the quiescence set.
   *
   * <p>{@code equals}, {@code hashCode} and {@code toString} are written out: a record's generated
   * ones are bootstrapped by {@code java.lang.runtime.ObjectMethods}, and on Java 17 its shared
   * static handles keep the last {@code asType} result, typed with this class, in a cache field:
   * one {@code set.contains(member)} (an {@code --also} patch) kept the agent's class loader alive
   * after a detach (found with a heap dump: {@code ObjectMethods.OBJECT_EQ.asTypeCache}).
   */
  public record Member(Class<?> type, String name, String descriptor) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Member that
          && type == that.type
          && name.equals(that.name)
          && descriptor.equals(that.descriptor);
    }

    @Override
    public int hashCode() {
      return (type.hashCode() * 31 + name.hashCode()) * 31 + descriptor.hashCode();
    }

    @Override
    public String toString() {
      return type.getName() + "#" + name + descriptor;
    }
  }

  /**
   * @param check evaluated once the set is quiescent; the swap waits while it is false (null: none)
   * @return what happened: attempts, how long callers waited at most
   */
  public SafepointReport run(
      List<Member> set, BooleanSupplier check, Duration timeout, Actions actions) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Gate gate = gates.create(gatedMethods(set));
    boolean swapped = false;
    boolean switched = false;
    int attempts = 0;
    long longestClosedNanos = 0;
    try {
      switched = actions.weaveGate(gate.id);
      List<String> blockers = List.of();
      while (true) {
        attempts++;
        long closedAt = System.nanoTime();
        gate.close();
        boolean quiescent = gate.awaitQuiescent(Math.min(deadline, closedAt + ATTEMPT.toNanos()));
        if (quiescent) {
          blockers = uncountedFrames(set);
          quiescent = blockers.isEmpty();
        }
        if (quiescent && (check == null || check.getAsBoolean())) {
          if (switched) {
            // Base first, switch second: a retransformation by anyone else in between installs the
            // new code with the closed gate, and the set is quiescent.
            actions.commit();
            gate.switchOver();
            gates.unweave(gate);
          } else {
            swapWithSecondRetransformation(gate, actions);
          }
          swapped = true;
          gate.open();
          longestClosedNanos = Math.max(longestClosedNanos, System.nanoTime() - closedAt);
          break;
        }
        gate.open();
        longestClosedNanos = Math.max(longestClosedNanos, System.nanoTime() - closedAt);
        if (System.nanoTime() >= deadline) {
          String why =
              quiescent
                  ? "the check stayed false"
                  : blockers.isEmpty()
                      ? "methods of the set kept running"
                      : "calls that began before the patch never ended";
          throw new SafepointTimeout(
              "no safe point within " + timeout.toMillis() + " ms: " + why,
              blockers.isEmpty() ? threadsInside(set) : blockers);
        }
        Thread.sleep(SCAN_PAUSE_MILLIS);
      }
    } finally {
      if (swapped && switched) {
        // The merged code asks this gate for its switch until the clean-up replaced it.
        actions.cleanUp(() -> gates.remove(gate));
      } else if (swapped) {
        // The swap took the gate out of the code; threads that waited at it re-invoke through it,
        // and the retired gate still sends them on.
        gates.remove(gate);
      } else {
        gate.open();
        awaitWaitersGone(gate, Duration.ofSeconds(5));
        gates.remove(gate);
        try {
          actions.unweaveGate();
        } catch (Exception e) {
          log.log(System.Logger.Level.ERROR, "could not remove a safe-point gate", e);
        }
      }
    }
    return SafepointReport.quiescent(attempts, Math.round(longestClosedNanos / 10_000.0) / 100.0);
  }

  /**
   * Bumps the version so that threads waiting at the gate re-invoke, takes the gate out of the
   * weaving, and has the caller install the new code without it.
   */
  private void swapWithSecondRetransformation(Gate gate, Actions actions) throws Exception {
    // Before anything changes: a frame that waited at the gate re-invokes with them.
    gate.makeReinvokers();
    AtomicBoolean gateTakenOut = new AtomicBoolean();
    try {
      actions.swap(
          () -> {
            gate.beginSwap();
            gates.unweave(gate);
            gateTakenOut.set(true);
          });
    } catch (Exception | Error e) {
      if (gateTakenOut.get()) {
        gate.abortSwap();
      }
      throw e;
    }
  }

  /**
   * Threads that waited at the gate re-invoke through it: the gate stays until they are all
   * through.
   */
  private static void awaitWaitersGone(Gate gate, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (gate.waiting() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
  }

  /**
   * Threads with a frame of the set that the gate did not count, read while the gate is closed and
   * its count is zero: every frame of the set then either waits at the gate (one per waiting
   * thread, with the gate's own frames above it) or began before the gate was woven. Virtual
   * threads count like platform threads (a virtual thread parked inside the set is inside it). One
   * line per thread.
   */
  static List<String> uncountedFrames(List<Member> set) throws SafepointTimeout {
    List<String> uncounted = new ArrayList<>();
    for (ThreadStacks.Stack thread : stacks()) {
      List<StackTraceElement> stack = thread.frames();
      boolean waitingAtGate = false;
      int members = 0;
      StackTraceElement first = null;
      for (int depth = 0; depth < stack.size(); depth++) {
        StackTraceElement frame = stack.get(depth);
        if (frame.getClassName().equals(Gate.class.getName())
            && frame.getMethodName().equals("enter")) {
          waitingAtGate = true;
        }
        if (isMember(set, frame) && !(depth == 0 && thread.state() == Thread.State.BLOCKED)) {
          members++;
          first = first == null ? frame : first;
        }
      }
      if (members > (waitingAtGate ? 1 : 0)) {
        uncounted.add(
            thread.describe()
                + " in "
                + first
                + (waitingAtGate
                    ? ", waiting at the safe point inside a call that began before it"
                    : ""));
      }
    }
    return uncounted;
  }

  /**
   * Threads with a frame of the set, described by thread and frame. Stack traces name methods
   * without descriptors, so overloads count as the method. A thread blocked on the monitor of a
   * synchronized method of the set has not entered it yet and does not count. One line per thread.
   */
  static List<String> threadsInside(List<Member> set) throws SafepointTimeout {
    List<String> inside = new ArrayList<>();
    for (ThreadStacks.Stack thread : stacks()) {
      List<StackTraceElement> stack = thread.frames();
      for (int depth = 0; depth < stack.size(); depth++) {
        StackTraceElement frame = stack.get(depth);
        if (isMember(set, frame) && !(depth == 0 && thread.state() == Thread.State.BLOCKED)) {
          inside.add(thread.describe() + " in " + frame);
          break;
        }
      }
    }
    return inside;
  }

  private static boolean isMember(List<Member> set, StackTraceElement frame) {
    for (Member member : set) {
      if (member.name().equals(frame.getMethodName())
          && member.type().getName().equals(frame.getClassName())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Every thread's stack; a safe point that cannot see them all gives up at once, changing nothing.
   */
  private static List<ThreadStacks.Stack> stacks() throws SafepointTimeout {
    try {
      return ThreadStacks.all();
    } catch (IOException e) {
      throw new SafepointTimeout(
          "no safe point: the threads cannot all be seen (" + e.getMessage() + ")", List.of());
    }
  }

  /**
   * A safe point run through on one method before any patch needs it, so that a JVM's first patch
   * finds its code loaded and its call sites linked: the re-invoker's method handles spun, which
   * only a swap by a second retransformation makes (about 8 ms of CPU, and three times that in wall
   * time on a busy box, in a JVM's first patch: docs/BENCHMARKS.md, section 57), and then {@link
   * #run} itself, gate, wait, thread dump, switch and clean-up, about 2 ms of CPU in a first patch
   * (section 62). It runs on a gate of its own {@link Gates}, which nothing weaves and no woven
   * code can reach, with actions that change nothing; the dump is the one a patch takes, a pause of
   * the application threads as short as the JVM's thread dump.
   *
   * @return how many threads the dump found inside the method (none, for a method nobody runs)
   */
  public static int warmUp(Class<?> type, String name, String descriptor, System.Logger log)
      throws Exception {
    List<Member> set = List.of(new Member(type, name, descriptor));
    for (Gate.GatedMethod method : gatedMethods(set)) {
      method.makeReinvoker();
    }
    try {
      new QuiescentSwap(new Gates(), log).run(set, null, ATTEMPT, new Rehearsal());
      return 0;
    } catch (SafepointTimeout blocked) {
      return blocked.blockers().size();
    }
  }

  /**
   * The actions of {@link #warmUp}: the gate "goes in" with both bodies behind its switch, as a
   * class-file patch's does, and nothing is retransformed.
   */
  private static final class Rehearsal implements Actions {
    @Override
    public boolean weaveGate(int gate) {
      return true;
    }

    @Override
    public void unweaveGate() {}

    @Override
    public void swap(Runnable gateOut) {
      gateOut.run();
    }

    @Override
    public void commit() {}

    @Override
    public void cleanUp(Runnable done) {
      done.run();
    }
  }

  private static List<Gate.GatedMethod> gatedMethods(List<Member> set) {
    List<Gate.GatedMethod> methods = new ArrayList<>();
    for (Member member : set) {
      methods.add(new Gate.GatedMethod(member.type(), member.name(), member.descriptor()));
    }
    return methods;
  }

  /**
   * The handle the bridge re-invokes with, of type {@code (Object self, Object[] args) Object} for
   * every method: the arguments are spread from the array the woven code made (nulls stay null,
   * boxed primitives are unboxed), a static method ignores {@code self}, and a void method returns
   * null. Fixed arity, so a varargs method takes its array as it is.
   */
  static MethodHandle reinvoker(MethodHandle direct, boolean isStatic, int parameters) {
    MethodHandle spread = direct.asFixedArity().asSpreader(Object[].class, parameters);
    if (isStatic) {
      spread = MethodHandles.dropArguments(spread, 0, Object.class);
    }
    return spread.asType(MethodType.methodType(Object.class, Object.class, Object[].class));
  }
}

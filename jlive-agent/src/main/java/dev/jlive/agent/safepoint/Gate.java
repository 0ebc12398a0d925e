package dev.jlive.agent.safepoint;

import dev.jlive.agent.expression.ProbeExpressions;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import net.bytebuddy.jar.asm.Type;

/**
 * The safe-point gate of one patch, woven at the entry and exit of every method in its quiescence
 * set.
 *
 * <p>It counts the frames of the set that are running ({@link #active}); a thread that already has
 * one passes in freely (its depth spans all methods of the set, so recursion and calls between them
 * never wait on themselves). While the gate is closed, threads entering the set from outside wait.
 * Entering increments first and checks the gate second, and the patcher closes first and reads the
 * count second, so once the patcher has seen zero with the gate closed, no thread can be running,
 * or start running, code of the set.
 *
 * <p>Each weaving carries a version. A frame whose woven version is older than the gate's has old
 * code: it skips its body and re-invokes the method, which runs the new code. Only a swap by a
 * second retransformation bumps the version, so the re-invokers' method handles are made for that
 * swap alone ({@link #makeReinvokers}): a swap that turns a switch never spins them (in a JVM's
 * first class-file patch that spinning was about a quarter of the time, docs/BENCHMARKS.md section
 * 59).
 *
 * <p>Waits use a {@link ReentrantLock} and its {@link Condition}, not {@code synchronized} and
 * {@code Object.wait}: on Java 21 to 23 a virtual thread waiting in a monitor pins its carrier
 * thread, so a few hundred virtual threads held at a closed gate would hold every carrier and stall
 * all virtual threads of the application, including those the patch waits for. Parked on a
 * condition, a virtual thread unmounts and frees its carrier.
 */
final class Gate {
  final int id;
  final List<GatedMethod> methods;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger waiting = new AtomicInteger();
  private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);
  private final ReentrantLock lock = new ReentrantLock();

  /** Signalled when the gate opens or the count of running frames falls to zero. */
  private final Condition changed = lock.newCondition();

  private volatile boolean closed;
  private volatile int version = 1;

  /**
   * The swap is over and the gate unwoven; it stays only to send stragglers of old code to the new.
   */
  private volatile boolean retired;

  /**
   * The gate's switch, for a set whose methods carry both bodies ({@link BodySwitch}): false runs
   * the old one, true the new one. It only ever turns on, at the safe point.
   */
  private volatile boolean switchedOver;

  /**
   * The re-invokers of {@link #methods}, by index; made before the version is first bumped, null
   * until then.
   */
  private volatile MethodHandle[] reinvokers;

  /**
   * A method of the set, by name and descriptor. Its reflective {@link Method} is looked up only
   * for a re-invoker: the first {@code getDeclaredMethods} of a class makes the JVM build its
   * reflection data and resolve the types of every method's signature, about 2 ms of CPU in a JVM's
   * first patch (docs/BENCHMARKS.md, section 62), and a swap that turns a switch never needs it.
   */
  record GatedMethod(Class<?> type, String name, String descriptor) {
    /** The handle to call it again with: see {@link QuiescentSwap#reinvoker}. */
    MethodHandle makeReinvoker() throws ReflectiveOperationException {
      Method method = find();
      MethodHandles.Lookup lookup = ProbeExpressions.trustedLookupIn(type);
      boolean isStatic = Modifier.isStatic(method.getModifiers());
      MethodHandle direct =
          isStatic ? lookup.unreflect(method) : lookup.unreflectSpecial(method, type);
      return QuiescentSwap.reinvoker(direct, isStatic, method.getParameterCount());
    }

    private Method find() throws NoSuchMethodException {
      for (Method method : type.getDeclaredMethods()) {
        if (method.getName().equals(name) && Type.getMethodDescriptor(method).equals(descriptor)) {
          return method;
        }
      }
      throw new NoSuchMethodException(type.getName() + "." + name + descriptor);
    }
  }

  Gate(int id, List<GatedMethod> methods) {
    this.id = id;
    this.methods = methods;
  }

  int version() {
    return version;
  }

  /**
   * @return true when the calling frame runs replaced code and must re-invoke. Waiting ignores
   *     interrupts (and sets the flag again afterwards): a caller that left the wait early would
   *     run its body uncounted while the gate is closed, and could mix versions. The wait is
   *     bounded by the patcher's attempt.
   */
  boolean enter(int wovenVersion) {
    if (retired) {
      // A frame of woven code that began before the gate was unwoven (for instance, one that was
      // released from the gate and then paused): if its code is old, it goes to the new.
      return wovenVersion != version;
    }
    int[] mine = depth.get();
    if (mine[0] > 0) {
      mine[0]++;
      active.incrementAndGet();
      return false;
    }
    while (true) {
      active.incrementAndGet();
      if (!closed) {
        if (wovenVersion != version) {
          leave();
          return true;
        }
        mine[0]++;
        return false;
      }
      leave();
      waiting.incrementAndGet();
      boolean interrupted = false;
      try {
        lock.lock();
        try {
          while (closed) {
            try {
              changed.await();
            } catch (InterruptedException e) {
              interrupted = true;
            }
          }
        } finally {
          lock.unlock();
        }
      } finally {
        waiting.decrementAndGet();
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  void exit() {
    if (retired) {
      return;
    }
    int[] mine = depth.get();
    if (mine[0] == 0) {
      // No frame of the set on this thread: a second exit of one frame (GateCode), not counted.
      return;
    }
    mine[0]--;
    leave();
  }

  private void leave() {
    if (active.decrementAndGet() == 0 && closed) {
      signalAll();
    }
  }

  void close() {
    closed = true;
  }

  /** Waits until no frame of the set runs, or the deadline passes. @return true when quiescent */
  boolean awaitQuiescent(long deadlineNanos) throws InterruptedException {
    lock.lock();
    try {
      while (active.get() > 0) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        changed.await(left, TimeUnit.NANOSECONDS);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Makes the methods' re-invokers, which a swap by a second retransformation needs first. */
  void makeReinvokers() throws ReflectiveOperationException {
    MethodHandle[] made = new MethodHandle[methods.size()];
    for (int index = 0; index < made.length; index++) {
      made[index] = methods.get(index).makeReinvoker();
    }
    reinvokers = made;
  }

  /** The re-invoker of the method at that index, for a frame that {@link #enter} sent on. */
  MethodHandle reinvoker(int index) {
    return reinvokers[index];
  }

  /**
   * Before the new code is woven: it carries the next version, and frames of the old one re-invoke.
   *
   * @throws IllegalStateException if the re-invokers were not made (nothing changed)
   */
  void beginSwap() {
    if (reinvokers == null) {
      throw new IllegalStateException("the gate's re-invokers are made before its swap");
    }
    synchronized (lock) {
      version++;
    }
  }

  void abortSwap() {
    synchronized (lock) {
      version--;
    }
  }

  /** Lets everyone through. */
  void open() {
    closed = false;
    signalAll();
  }

  private void signalAll() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The swap of a set with both bodies woven in: from now on every call runs the new one. */
  void switchOver() {
    switchedOver = true;
  }

  boolean switchedOver() {
    return switchedOver;
  }

  void retire() {
    retired = true;
  }

  int active() {
    return active.get();
  }

  int waiting() {
    return waiting.get();
  }
}

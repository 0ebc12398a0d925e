package dev.jlive.agent.probe;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.IdentityHashMap;

/**
 * Kotlin {@code suspend} functions as their author sees them. Kotlin compiles {@code suspend fun
 * greet(name: String): String} to {@code Object greet(String, Continuation)}, a state machine: a
 * call that suspends returns {@code COROUTINE_SUSPENDED}, and Kotlin later resumes it by calling
 * the method again with null (zero) arguments and, as last argument, the continuation the first
 * call created (an instance of the method's own {@code ContinuationImpl} subclass, {@code
 * Greeter$greet$1}, whose {@code label} field then has its sign bit set). So one logical call is
 * several invocations ("fragments"), and only the first sees the arguments.
 *
 * <p>A probe on such a method counts logical calls only: a resumed fragment is recognised by its
 * continuation and neither counted nor shown to entry probes (nor their conditions). Timing and
 * exit probes span the logical call: the first fragment, when it suspends, leaves its start time
 * and arguments under the caller's continuation (which the method's continuation keeps as its
 * {@code completion}, and which no other call of the method can receive while this one is in
 * flight); the fragment that returns something other than {@code COROUTINE_SUSPENDED}, or throws,
 * completes the call. Calls already in flight when the probe was added are not counted.
 *
 * <p>One instance per probed suspend method; all reflective handles are cached here, never in a
 * {@code ClassValue} (which would tie the application's classes to the agent's loader).
 */
final class KotlinSuspend {
  private static final String CONTINUATION = "Lkotlin/coroutines/Continuation;";
  private static final String SUSPENDED_TYPE = "kotlin.coroutines.intrinsics.CoroutineSingletons";

  /**
   * Calls that suspended and have not completed; beyond this, new ones are not tracked (never
   * resumed, e.g. leaked).
   */
  static final int MAX_IN_FLIGHT = 10_000;

  /**
   * The first fragment of a call that suspended: what its completion needs, the receiver and
   * arguments as the call got them (null where the probe does not show them).
   */
  record Started(long token, Object self, Object[] args) {}

  private final String continuationPrefix;
  private final IdentityHashMap<Object, Started> inFlight = new IdentityHashMap<>();

  /**
   * The last continuation type seen that is not this method's, or null. Plain: a stale read only
   * costs the name comparison. Holding the type does not keep its loader alive longer than the
   * probe, which is removed with this instance.
   */
  private Class<?> lastForeign;

  private volatile Field label;
  private volatile Method completion;

  private KotlinSuspend(String declaringClass, String methodName) {
    this.continuationPrefix = declaringClass + "$" + methodName + "$";
  }

  /** The helper for a method, or null when it is not a suspend function. */
  static KotlinSuspend of(String declaringClass, String methodName, String descriptor) {
    return isSuspend(descriptor) ? new KotlinSuspend(declaringClass, methodName) : null;
  }

  /** A suspend function as compiled: a {@code Continuation} last and {@code Object} returned. */
  static boolean isSuspend(String descriptor) {
    return descriptor.endsWith(CONTINUATION + ")Ljava/lang/Object;");
  }

  /** The continuation an invocation received: its last argument. */
  static Object continuation(Object[] args) {
    return args == null || args.length == 0 ? null : args[args.length - 1];
  }

  /**
   * True for an invocation that resumes a suspended call of this method rather than starting one.
   */
  boolean isResume(Object continuation) {
    // Within 35 bytes, so that C2 inlines it with or without a profile; the rest, out of line,
    // runs once per caller type.
    return continuation != null
        && continuation.getClass() != lastForeign
        && isOwnResume(continuation);
  }

  private boolean isOwnResume(Object continuation) {
    Class<?> type = continuation.getClass();
    if (!type.getName().startsWith(continuationPrefix)) {
      // A call, not a resume: the caller's continuation. Callers are few, so the next call most
      // likely passes the same type, and it is then told by one comparison.
      lastForeign = type;
      return false;
    }
    try {
      // A recursive call also receives this method's continuation type, but without the resume
      // flag.
      return (labelField(type).getInt(continuation) & Integer.MIN_VALUE) != 0;
    } catch (ReflectiveOperationException | RuntimeException unreadable) {
      return true;
    }
  }

  /** True when a fragment returned because the call suspended, so the call is not over. */
  static boolean suspended(Object returned) {
    return returned instanceof Enum<?> marker
        && marker.getDeclaringClass().getName().equals(SUSPENDED_TYPE)
        && marker.name().equals("COROUTINE_SUSPENDED");
  }

  /**
   * Remembers a call whose first fragment suspended; false when too many are in flight to track
   * another.
   */
  boolean suspendedFirst(Object callersContinuation, Started started) {
    if (callersContinuation == null) {
      return false;
    }
    synchronized (inFlight) {
      if (inFlight.size() >= MAX_IN_FLIGHT) {
        return false;
      }
      inFlight.put(callersContinuation, started);
      return true;
    }
  }

  /**
   * The start of the call a final fragment completes, or null when it began before the probe or was
   * not tracked.
   */
  Started completed(Object ownContinuation) {
    Object callers;
    try {
      callers = completionMethod(ownContinuation.getClass()).invoke(ownContinuation);
    } catch (ReflectiveOperationException | RuntimeException unreadable) {
      return null;
    }
    synchronized (inFlight) {
      return inFlight.remove(callers);
    }
  }

  int inFlight() {
    synchronized (inFlight) {
      return inFlight.size();
    }
  }

  private Field labelField(Class<?> type) throws NoSuchFieldException {
    Field cached = label;
    if (cached == null || cached.getDeclaringClass() != type) {
      cached = type.getDeclaredField("label");
      cached.setAccessible(true);
      label = cached;
    }
    return cached;
  }

  private Method completionMethod(Class<?> type) throws NoSuchMethodException {
    Method cached = completion;
    if (cached == null || !cached.getDeclaringClass().isAssignableFrom(type)) {
      // kotlin.coroutines.jvm.internal.BaseContinuationImpl#getCompletion, public in a public
      // class.
      cached = type.getMethod("getCompletion");
      completion = cached;
    }
    return cached;
  }
}

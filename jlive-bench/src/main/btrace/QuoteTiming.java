import static org.openjdk.btrace.core.BTraceUtils.*;

import org.openjdk.btrace.core.annotations.*;

/**
 * BTrace's side of "timing every call" (jlive-bench's TwoThreadsBTrace): counts the calls of the
 * two-thread workload's method and sums their durations, and prints both every two seconds so a
 * run shows the script was on. Compiled with BTrace's compiler, not by Maven.
 */
@BTrace
public class QuoteTiming {
  private static long calls;
  private static long nanos;

  @OnMethod(
      clazz = "dev.jlive.bench.overhead.Quote",
      method = "quote",
      location = @Location(Kind.RETURN))
  public static void onReturn(@Duration long duration) {
    calls++;
    nanos += duration;
  }

  @OnTimer(2000)
  public static void report() {
    println(strcat(strcat("calls=", str(calls)), strcat(" nanos=", str(nanos))));
  }
}

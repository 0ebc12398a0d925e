package dev.jlive.cli.attach;

import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark, not a test (docs/BENCHMARKS.md section 39): {@code VirtualMachine.attach} to a fresh
 * busy JVM (jlive-bench's {@code BusyTarget}) with and without {@link ListenerWatch}, the two
 * interleaved (A B, B A, ...) in one JVM after one warm-up pair that is not counted.
 *
 * <pre>
 * java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
 *   -cp jlive-cli/target/classes:jlive-cli/target/test-classes \
 *   dev.jlive.cli.attach.AttachWakeBench 10 jlive-bench/target/jlive-bench.jar
 * </pre>
 */
public final class AttachWakeBench {
  /** Lets the target's two threads get going after its ready line, as a real busy JVM would be. */
  private static final long SETTLE_MILLIS = 1_500;

  private AttachWakeBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    String benchJar = args[1];
    List<Long> watched = new ArrayList<>();
    List<Long> plain = new ArrayList<>();
    for (int round = -1; round < rounds; round++) {
      boolean watchFirst = round % 2 == 0;
      for (boolean watch : new boolean[] {watchFirst, !watchFirst}) {
        Process target =
            new ProcessBuilder("java", "-cp", benchJar, "dev.jlive.bench.BusyTarget")
                .redirectErrorStream(true)
                .start();
        try {
          new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
          Thread.sleep(SETTLE_MILLIS);
          long start = System.nanoTime();
          VirtualMachine vm;
          boolean woke = false;
          if (watch) {
            try (ListenerWatch listenerWatch = ListenerWatch.start(target.pid())) {
              vm = VirtualMachine.attach(Long.toString(target.pid()));
              woke = listenerWatch.woke();
            }
          } else {
            vm = VirtualMachine.attach(Long.toString(target.pid()));
          }
          long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          vm.detach();
          if (round >= 0) {
            (watch ? watched : plain).add(millis);
          }
          System.out.println(
              (round < 0 ? "warm-up" : "round " + round)
                  + (watch ? " watch    " : " no watch ")
                  + "VirtualMachine.attach "
                  + millis
                  + " ms, woke "
                  + woke
                  + ", load "
                  + Files.readString(Paths.get("/proc/loadavg")).split(" ")[0]);
        } finally {
          target.destroyForcibly().waitFor();
        }
      }
    }
    Collections.sort(watched);
    Collections.sort(plain);
    System.out.println(
        "median with the watch "
            + watched.get(watched.size() / 2)
            + " ms "
            + watched
            + "; without "
            + plain.get(plain.size() / 2)
            + " ms "
            + plain);
  }
}

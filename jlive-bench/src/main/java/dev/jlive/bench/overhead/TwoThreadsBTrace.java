package dev.jlive.bench.overhead;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link TwoThreads}'s workload with BTrace instead of jlive: the anchor of issue 16's "timing
 * every call" figure, measured in the same run as jlive's. The BTrace agent (with its boot jar
 * beside it) and a compiled script are not part of the build; docs/BENCHMARKS.md, section 54, says
 * how to fetch BTrace and compile {@code src/main/btrace/QuoteTiming.java}, which counts and sums
 * each call's {@code @Duration}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(2)
// BTrace's runtime reaches into java.base; without these it loads no runtime and traces nothing.
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Djdk.attach.allowAttachSelf=true",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED",
      "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED",
      "--add-exports=java.base/jdk.internal.reflect=ALL-UNNAMED"
    })
public class TwoThreadsBTrace {

  /** BTrace loaded with the script before the first warm-up iteration. */
  @State(Scope.Benchmark)
  public static class Traced {
    @Setup(Level.Trial)
    public void attach() throws Exception {
      Path agent = file("jlive.bench.btrace.agent");
      Path script = file("jlive.bench.btrace.script");
      Quote.quote(1, 1);
      VirtualMachine self = VirtualMachine.attach(String.valueOf(ProcessHandle.current().pid()));
      try {
        // The script's output (its count every two seconds) goes to a file beside it.
        self.loadAgent(
            agent.toString(),
            "noServer=true,scriptOutputFile="
                + script.resolveSibling("QuoteTiming.out")
                + ",script="
                + script);
      } finally {
        self.detach();
      }
    }

    private static Path file(String property) throws IOException {
      String value = System.getProperty(property);
      if (value == null || !Files.isRegularFile(Path.of(value))) {
        throw new IOException(
            "no file at -D"
                + property
                + " ("
                + value
                + "); docs/BENCHMARKS.md, section 54, says how to get BTrace and compile the script");
      }
      return Path.of(value).toAbsolutePath();
    }
  }

  @Benchmark
  public int quote(Traced traced, TwoThreads.Order order) {
    int sku = order.sku++;
    return Quote.quote(sku, sku & 7);
  }
}

package dev.jlive.bench.overhead;

import dev.jlive.bench.endpoint.AgentEndpoint;
import dev.jlive.protocol.RuntimeDirectory;
import dev.jlive.protocol.record.RecordRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code jlive record} costs a call of the recorded method, {@link Target#work} beside {@link
 * Baseline#work} (never recorded) in a fork with the agent, and {@link NoAgent} without it: {@code
 * captured} records every call (each one copied with Kryo on the calling thread), {@code
 * not-captured} has a {@code --when} that is never true (the cost a recorded method's other calls
 * pay), {@code none} records nothing.
 *
 * <p>A recording ends at its count ({@link RecordRequest#MAX_COUNT} at most), so the measurement is
 * in batches of {@value #BATCH} calls ({@link Mode#SingleShotTime}), all of them within one
 * recording: the score divided by {@value #BATCH} is the time per call. The CPU cap is lifted: this
 * asks what a copy costs, not when the recording gives up. Run from the project root (the agent
 * path is relative), e.g. {@code java -jar jlive-bench/target/jlive-bench.jar
 * 'RecordOverhead|NoAgent' -bm ss -bs 10000 -wi 3 -i 5}; the NoAgent fork needs the same {@code -bm
 * ss -bs 10000} for a like-for-like ratio.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, batchSize = RecordOverhead.BATCH)
@Measurement(iterations = 5, batchSize = RecordOverhead.BATCH)
@Fork(
    value = 1,
    jvmArgsAppend = {ProbeOverhead.AGENT, ProbeOverhead.RUNTIME_DIR})
public class RecordOverhead {
  static final int BATCH = 10_000;

  /** The scenario's recording, started once per fork and ended at its end. */
  @State(Scope.Benchmark)
  public static class Recording {
    @Param({"none", "captured", "not-captured"})
    public String scenario;

    private AgentEndpoint endpoint;
    private String id;

    @Setup(Level.Trial)
    public void start() throws IOException, InterruptedException {
      // The selector resolves loaded classes only.
      new Target().work(0);
      endpoint =
          AgentEndpoint.await(
              RuntimeDirectory.resolve(), ProcessHandle.current().pid(), Duration.ofSeconds(10));
      if (scenario.equals("none")) {
        return;
      }
      Map<String, Object> started =
          endpoint.startRecording(
              new RecordRequest(
                  ProbeOverhead.SELECTOR,
                  scenario.equals("captured") ? null : "x == -1",
                  RecordRequest.MAX_COUNT,
                  Duration.ofMinutes(30),
                  1,
                  RecordRequest.DEFAULT_DEPTH,
                  RecordRequest.DEFAULT_MAX_BYTES,
                  100));
      id = String.valueOf(started.get("id"));
      report("started " + started);
    }

    @TearDown(Level.Iteration)
    public void iterationEnded() throws IOException {
      if (id != null) {
        report("iteration ended: " + endpoint.recording(id));
      }
    }

    @TearDown(Level.Trial)
    public void end() throws IOException {
      if (id != null) {
        report("ended: " + endpoint.endRecording(id));
      }
    }

    private void report(String line) {
      System.out.println("[jlive-bench record " + scenario + "] " + line);
    }
  }

  @Benchmark
  public int target(Recording recording, Input input) {
    return input.target.work(input.x++);
  }

  @Benchmark
  public int baseline(Recording recording, Input input) {
    return input.baseline.work(input.x++);
  }
}

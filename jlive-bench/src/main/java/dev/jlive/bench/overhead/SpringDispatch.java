package dev.jlive.bench.overhead;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * A probe on code jlive did not write: Spring MVC's request path ({@code DispatcherServlet} down to
 * a {@code @RestController}, the path a Spring Boot service runs for every request, without the
 * HTTP server), with the probe on every method of Spring's {@code MimeType} by default, which
 * content negotiation calls 124 times per request (type and subtype reads, wildcard tests,
 * compatibility checks, {@code equals}), with Spring's own receivers and arguments. Any other
 * Spring method can be named with {@code -p target=...}. The calls per request are counted once per
 * fork by a count probe, so the cost per call is (score - score of {@code none}) / calls per
 * request. One thread, as {@link H2Scan}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// Spring's request path takes longer to compile than the other workloads: with 3 warm-up
// iterations the first measured ones still ran 30 to 90% slower.
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
// A request allocates about 14 KB: with G1's default young generation, a fork's iterations spread
// from 6.8 to 9.5 µs of the request thread's CPU; with a large young generation and the parallel
// collector, within about 5% once compiled (BENCHMARKS.md, section 56.3).
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Djdk.attach.allowAttachSelf=true",
      ProbeOverhead.RUNTIME_DIR,
      "-XX:+UseParallelGC",
      "-Xms2g",
      "-Xmx2g",
      "-Xmn1500m"
    })
public class SpringDispatch {
  static final String SELECTOR = "org.springframework.util.MimeType#*";

  /** The Spring application, the agent and the probe, once per fork. */
  @State(Scope.Benchmark)
  public static class Probe extends ProbeState {
    @Param({"current"})
    public String agent;

    @Param({"none", "count", "metrics", "metrics-every-call"})
    public String scenario;

    /**
     * The probed methods: any Spring methods the request path calls ({@code log-when-false} needs
     * methods with an argument).
     */
    @Param({SELECTOR})
    public String target;

    SpringPriceApp app;

    @Setup(Level.Trial)
    public void add() throws Exception {
      app = SpringPriceApp.start();
      TwoThreads.attach(agent);
      control = new ProbeControl(scenario);
      int[] sku = {0};
      control.callsPerRun(target, () -> requestUnchecked(app, sku[0]++), 1000);
      control.add(spec(scenario, target));
    }

    @TearDown(Level.Trial)
    public void stopApp() {
      app.close();
    }
  }

  /** Each thread's next sku, so the JIT cannot fold the requests. */
  @State(Scope.Thread)
  public static class Order {
    int sku;
  }

  @Benchmark
  public int request(Probe probe, Order order) throws ServletException, IOException {
    return request(probe.app, order.sku++);
  }

  /** One GET of /price through the dispatcher servlet; the answer's length. */
  static int request(SpringPriceApp app, int sku) throws ServletException, IOException {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/price");
    request.addParameter("sku", Integer.toString(sku));
    request.addParameter("qty", Integer.toString(sku & 7));
    MockHttpServletResponse response = new MockHttpServletResponse();
    app.servlet().service(request, response);
    if (response.getStatus() != 200) {
      throw new IllegalStateException("GET /price answered " + response.getStatus());
    }
    return response.getContentAsByteArray().length;
  }

  private static void requestUnchecked(SpringPriceApp app, int sku) {
    try {
      request(app, sku);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ServletException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, Object> spec(String scenario, String selector) {
    return ProbeScenarios.onForeignCode(selector, scenario);
  }
}

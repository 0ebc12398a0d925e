package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.support.HttpLoad;
import dev.jlive.it.support.SpringApp;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code --trace} on a JVM jlive did not write (issue 16): Spring's {@code
 * DispatcherServlet#doDispatch} in the Spring Boot app of {@link SpringBootAppTest}. The behaviour
 * test sends a known number of requests to a trace two levels deep and checks that the tree names
 * Spring's real callees, each called once per request, and under the handler adapter's {@code
 * handle} the call it makes. No timed assertion: the cost figures (BENCHMARKS 22) come from the
 * benchmark, which runs only with {@code -Djlive.it.skipGroups=none}: two client threads requesting
 * all the time, in rounds of windows without a probe, with a trace, without, with a trace two
 * levels deep; the target's CPU and the wall time per request, median over the rounds.
 */
@SuppressWarnings("unchecked")
class TraceOnSpringTest {
  private static final String DISPATCH =
      "org.springframework.web.servlet.DispatcherServlet#doDispatch";
  private static final int REQUESTS = 7;
  private static final int WARM_UP = 20_000;
  private static final int SETTLE = 4_000;
  private static final int WINDOW = 8_000;
  private static final int ROUNDS = 3;
  private static SpringApp app;

  private record Window(double wallMicros, double cpuMicros) {}

  @BeforeAll
  static void start() throws Exception {
    app = SpringApp.startAttached();
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  @Test
  void aTraceOfDoDispatchNamesSpringsCalleesOncePerRequest() throws Exception {
    String trace = app.jlive().probe(DISPATCH, "--trace", "--trace-depth", "2");
    try (HttpLoad client = HttpLoad.start()) {
      for (int i = 0; i < REQUESTS; i++) {
        assertThat(client.get(app.base() + "/price?item=pear&quantity=3")).startsWith("200 ");
      }
    } finally {
      Map<String, Object> probe = app.jlive().metrics(trace);
      app.jlive().removeProbe(trace);
      assertThat(probe.get("calls")).isEqualTo((long) REQUESTS);
      for (String callee :
          List.of(
              "DispatcherServlet#getHandler",
              "DispatcherServlet#getHandlerAdapter",
              "HandlerExecutionChain#applyPreHandle",
              "HandlerAdapter#handle",
              "DispatcherServlet#processDispatchResult")) {
        assertThat(part(probe, callee).get("calls")).as(callee).isEqualTo((long) REQUESTS);
      }
      List<Map<String, Object>> tree = (List<Map<String, Object>>) probe.get("parts");
      int handle = tree.indexOf(part(probe, "HandlerAdapter#handle"));
      assertThat(tree.get(handle + 1))
          .as("the first call under HandlerAdapter#handle in %s", tree)
          .containsEntry("name", "AbstractHandlerMethodAdapter#handleInternal")
          .containsEntry("level", 1L)
          .containsEntry("calls", (long) REQUESTS);
    }
  }

  @Test
  @Tag("benchmark")
  void traceOneAndTwoLevelsDeepOfDoDispatchAgainstNoProbe() throws Exception {
    ProcessHandle target = ProcessHandle.of(app.jvm().pid()).orElseThrow();
    HttpLoad load =
        HttpLoad.start(app.base() + "/price?item=pear&quantity=3", app.base() + "/price");
    try {
      measure(load, target, WARM_UP);
      Map<String, List<Window>> windows = new LinkedHashMap<>();
      for (int round = 0; round < ROUNDS; round++) {
        window(windows, "no probe", load, target);
        String trace = app.jlive().probe(DISPATCH, "--trace");
        window(windows, "--trace", load, target);
        assertTimedParts(app.jlive().metrics(trace));
        app.jlive().removeProbe(trace);
        window(windows, "no probe", load, target);
        String deeper = app.jlive().probe(DISPATCH, "--trace", "--trace-depth", "2");
        window(windows, "--trace-depth 2", load, target);
        assertTimedParts(app.jlive().metrics(deeper));
        app.jlive().removeProbe(deeper);
      }
      window(windows, "no probe", load, target);
      List<Window> none = windows.get("no probe");
      windows.forEach((what, list) -> print(what, list, none));
      System.out.printf(
          "load average after: %.1f%n",
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    } finally {
      load.close();
    }
    assertThat(load.failures()).as("failed requests").isEmpty();
  }

  private static Map<String, Object> part(Map<String, Object> probe, String name) {
    return ((List<Map<String, Object>>) probe.get("parts"))
        .stream()
            .filter(part -> part.get("name").equals(name))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no part " + name + " in " + probe));
  }

  /** The time and the target's CPU for the next {@code requests} answers of the load. */
  private static Window measure(HttpLoad load, ProcessHandle target, int requests) {
    long cpuBefore = cpuNanos(target);
    long startAnswered = load.answered();
    long start = System.nanoTime();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> load.answered() >= startAnswered + requests);
    long wall = System.nanoTime() - start;
    long answered = load.answered() - startAnswered;
    long cpu = cpuNanos(target) - cpuBefore;
    return new Window(wall / 1e3 / answered, cpu / 1e3 / answered);
  }

  private static long cpuNanos(ProcessHandle target) {
    return target.info().totalCpuDuration().orElseThrow().toNanos();
  }

  private static void assertTimedParts(Map<String, Object> probe) {
    List<Map<String, Object>> parts = (List<Map<String, Object>>) probe.get("parts");
    assertThat(parts).as("parts of %s", probe).isNotEmpty();
    assertThat(parts.stream().mapToLong(part -> ((Number) part.get("calls")).longValue()).sum())
        .as("timed part calls in %s", probe)
        .isPositive();
    System.out.println("parts: " + parts);
  }

  /**
   * Measures one window after a settling one: a retransformation throws the method's compiled code
   * away, and the requests right after it run interpreted until the JIT compiles it again.
   */
  private static void window(
      Map<String, List<Window>> windows, String what, HttpLoad load, ProcessHandle target) {
    measure(load, target, SETTLE);
    windows.computeIfAbsent(what, key -> new ArrayList<>()).add(measure(load, target, WINDOW));
  }

  /** Each window of one kind, and its median against the median without a probe. */
  private static void print(String what, List<Window> list, List<Window> none) {
    double wall = median(list, Window::wallMicros);
    double cpu = median(list, Window::cpuMicros);
    double noneWall = median(none, Window::wallMicros);
    double noneCpu = median(none, Window::cpuMicros);
    System.out.printf(
        "%-16s median %7.1f µs/request wall (x%.3f), %7.1f µs/request target CPU (x%.3f); windows:",
        what, wall, wall / noneWall, cpu, cpu / noneCpu);
    list.forEach(
        window -> System.out.printf(" %.0f/%.0f", window.wallMicros(), window.cpuMicros()));
    System.out.println();
  }

  private static double median(List<Window> list, ToDoubleFunction<Window> figure) {
    double[] sorted = list.stream().mapToDouble(figure).sorted().toArray();
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}

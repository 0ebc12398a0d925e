package dev.jlive.agent.compile;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Compiles one small class in the background soon after the agent starts, so that the first patch
 * from source does not pay for loading and warming javac (or ECJ) and for indexing the class path.
 *
 * <p>It stays out of the application's way: a daemon thread at the lowest priority; nothing during
 * the first seconds after the start (an attach is when the service is already being looked at);
 * then it waits for a moment when the process is idle enough (its CPU load under {@link #IDLE_LOAD}
 * for {@link #IDLE_FOR}); if that moment does not come within {@link #PATIENCE}, it warms anyway,
 * once, since the first patch would pay the same cost in the middle of an incident. One compile of
 * a few lines: bounded time and memory, and quiet by construction ({@link InTargetCompiler}), so it
 * writes nothing to the application's stdout or stderr. Any failure is logged and ends it.
 */
public final class CompilerWarmup implements Runnable {
  /** No warm-up before this long after the start. */
  static final Duration QUIET_START = Duration.ofSeconds(3);

  /** The process's share of the machine's CPU under which it counts as idle. */
  static final double IDLE_LOAD = 0.5;

  static final Duration IDLE_FOR = Duration.ofSeconds(1);

  /** How long to wait for an idle moment before warming anyway. */
  static final Duration PATIENCE = Duration.ofSeconds(10);

  private static final Duration POLL = Duration.ofMillis(250);

  /** Touches what patches use: generics, lambdas, streams, string concatenation, records. */
  private static final SourceFile WARM_UP =
      new SourceFile(
          "dev.jlive.warmup.WarmUp",
          """
          package dev.jlive.warmup;

          import java.util.List;
          import java.util.Map;
          import java.util.stream.Collectors;

          final class WarmUp {
            record Line(String sku, int quantity) {}

            static Map<String, Integer> total(List<Line> lines) {
              return lines.stream()
                  .filter(line -> line.quantity() > 0)
                  .collect(Collectors.toMap(Line::sku, Line::quantity, Integer::sum));
            }

            static String describe(Line line) {
              return "line " + line.sku() + " x" + line.quantity();
            }
          }
          """);

  private final ClassLoader loader;
  private final System.Logger log;
  private final Duration quietStart;
  private final Duration patience;
  private final Supplier<String> weavingWarmUp;

  CompilerWarmup(
      ClassLoader loader,
      System.Logger log,
      Duration quietStart,
      Duration patience,
      Supplier<String> weavingWarmUp) {
    this.loader = loader;
    this.log = log;
    this.quietStart = quietStart;
    this.patience = patience;
    this.weavingWarmUp = weavingWarmUp;
  }

  /**
   * Starts the warm-up on its own daemon thread against the application class loader.
   *
   * @param weavingWarmUp run right after the compile, in the same idle moment: a class-file patch's
   *     steps on a class of jlive's, off to the side, so the first patch's comparing, merging and
   *     weaving are warm too (answers what it did, for the log)
   */
  public static Thread start(System.Logger log, Supplier<String> weavingWarmUp) {
    Thread thread =
        new Thread(
            new CompilerWarmup(
                ClassLoader.getSystemClassLoader(), log, QUIET_START, PATIENCE, weavingWarmUp),
            "jlive-compiler-warmup");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.start();
    return thread;
  }

  @Override
  public void run() {
    try {
      Thread.sleep(quietStart.toMillis());
      boolean idle = awaitIdle();
      long start = System.nanoTime();
      Compilation compilation =
          Compilers.compile(
              List.of(WARM_UP),
              loader,
              new CompileOptions(Runtime.version().feature(), true, true));
      log.log(
          System.Logger.Level.INFO,
          "compiler warmed up in {0} ms ({1}, {2})",
          Long.toString((System.nanoTime() - start) / 1_000_000),
          idle ? "idle moment" : "no idle moment within " + patience.toSeconds() + " s",
          compilation.succeeded() ? compilation.compiler() : compilation.problems());
      long weaveStart = System.nanoTime();
      String done = weavingWarmUp.get();
      log.log(
          System.Logger.Level.INFO,
          "class-file patch path warmed up in {0} ms ({1})",
          Long.toString((System.nanoTime() - weaveStart) / 1_000_000),
          done);
    } catch (InterruptedException e) {
      // The agent stops: no warm-up needed any more.
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      log.log(System.Logger.Level.WARNING, "compiler warm-up failed; the first patch runs cold", t);
    }
  }

  /**
   * Waits until the process has been idle for {@link #IDLE_FOR}, or the patience ran out.
   *
   * @return true when an idle moment came
   */
  private boolean awaitIdle() throws InterruptedException {
    OperatingSystemMXBean load;
    try {
      load = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
    } catch (LinkageError | IllegalArgumentException e) {
      // A runtime without jdk.management cannot say how busy it is: wait out the patience.
      Thread.sleep(patience.toMillis());
      return false;
    }
    long deadline = System.nanoTime() + patience.toNanos();
    long idleSince = -1;
    while (System.nanoTime() < deadline) {
      double share = load.getProcessCpuLoad();
      long now = System.nanoTime();
      if (share >= 0 && share < IDLE_LOAD) {
        idleSince = idleSince < 0 ? now : idleSince;
        if (now - idleSince >= IDLE_FOR.toNanos()) {
          return true;
        }
      } else {
        idleSince = -1;
      }
      Thread.sleep(POLL.toMillis());
    }
    return false;
  }
}

package dev.jlive.demo;

import dev.jlive.demo.load.LoadOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The parsed command line.
 *
 * @param port the port to serve on, 0 for any free one
 * @param load whether to drive load against the service this process starts
 * @param loadTarget a service already running to drive load against, instead of starting one
 * @param rate total requests per second, 0 for unlimited
 * @param duration how long to drive load, zero for until killed
 * @param threads how many concurrent customers the load driver plays
 */
record CommandLine(
    int port,
    boolean load,
    Optional<URI> loadTarget,
    double rate,
    Duration duration,
    int threads,
    boolean help) {

  static final String USAGE =
      String.join(
          System.lineSeparator(),
          "usage: java -jar jlive-demo.jar [--port N] [--load] [--rate R] [--duration SECONDS]",
          "                                [--threads T] [--load-target http://127.0.0.1:PORT]",
          "  --port N          serve on 127.0.0.1:N (default 0: any free port)",
          "  --load            also drive load against the service just started",
          "  --load-target U   only drive load, against a demo already running at U (loopback)",
          "  --rate R          total requests per second (default: as fast as possible)",
          "  --duration S      seconds of load (default 10; 0: until killed)",
          "  --threads T       concurrent customers (default 4)");

  /** Whether this process serves the shop; not when it only loads another one. */
  boolean serve() {
    return loadTarget.isEmpty();
  }

  boolean drivesLoad() {
    return load || loadTarget.isPresent();
  }

  /**
   * For tests only: {@code -Djlive.demo.load.reportEveryMillis=} prints the load's progress lines
   * more often than every 5 s, so that a test that waits for the next line (ShadowTest) waits less.
   * A line still covers only its own stretch, so what each line says does not change.
   */
  static final String REPORT_EVERY_PROPERTY = "jlive.demo.load.reportEveryMillis";

  /** The load to drive against {@code target}. */
  LoadOptions loadOptions(URI target) {
    return LoadOptions.against(target)
        .withRate(rate)
        .withDuration(duration)
        .withThreads(threads)
        .withReportEvery(
            Duration.ofMillis(
                Long.getLong(REPORT_EVERY_PROPERTY, LoadOptions.DEFAULT_REPORT_EVERY.toMillis())));
  }

  /**
   * @throws IllegalArgumentException with a message fit for the user if the arguments are wrong
   */
  static CommandLine parse(String... args) {
    int port = 0;
    boolean load = false;
    URI target = null;
    double rate = 0;
    Duration duration = LoadOptions.DEFAULT_DURATION;
    int threads = LoadOptions.DEFAULT_THREADS;
    boolean shaped = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--help", "-h" -> {
          return new CommandLine(0, false, Optional.empty(), 0, Duration.ZERO, 1, true);
        }
        case "--port" -> port = parseInt(arg, value(args, ++i, arg), 0, 65_535);
        case "--load" -> load = true;
        case "--load-target" -> target = parseUri(arg, value(args, ++i, arg));
        case "--rate" -> {
          rate = parseRate(arg, value(args, ++i, arg));
          shaped = true;
        }
        case "--duration" -> {
          duration = Duration.ofSeconds(parseInt(arg, value(args, ++i, arg), 0, Integer.MAX_VALUE));
          shaped = true;
        }
        case "--threads" -> {
          threads = parseInt(arg, value(args, ++i, arg), 1, 1_000);
          shaped = true;
        }
        default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
      }
    }
    if (load && target != null) {
      throw new IllegalArgumentException(
          "--load drives the service it starts, --load-target one already running; pick one");
    }
    if (shaped && !load && target == null) {
      throw new IllegalArgumentException(
          "--rate, --duration and --threads shape the load; add --load or --load-target");
    }
    CommandLine line =
        new CommandLine(port, load, Optional.ofNullable(target), rate, duration, threads, false);
    // Checks the target now (loopback only), so a wrong one fails before anything starts.
    line.loadTarget.ifPresent(line::loadOptions);
    return line;
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }

  private static int parseInt(String option, String value, int min, int max) {
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < min || parsed > max) {
        throw new IllegalArgumentException(
            option + " must be between " + min + " and " + max + ", was " + parsed);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a whole number, was '" + value + "'");
    }
  }

  private static double parseRate(String option, String value) {
    try {
      double parsed = Double.parseDouble(value);
      if (!(parsed > 0) || Double.isInfinite(parsed)) {
        throw new IllegalArgumentException(option + " must be a positive number, was " + value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a number, was '" + value + "'");
    }
  }

  private static URI parseUri(String option, String value) {
    try {
      return URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " needs a URL, was '" + value + "'", e);
    }
  }
}

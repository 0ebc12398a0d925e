package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.probe.ClassReport;
import dev.jlive.protocol.probe.ProbeAdded;
import dev.jlive.protocol.probe.ProbeSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "add",
    description = {
      "Add a probe to the methods a selector names, in classes loaded now and later.",
      "Selectors: com.acme.Cart#add, com.acme.Cart#add(int,java.lang.String), com.acme.Cart#add(ILjava/lang/String;)V,",
      "com.acme..*Service#handle*, com.acme.Cart#<init>. An interface or abstract method stands for its implementations.",
      "Log templates: {name} of a parameter, {args[0]}, {args}, {this}, {this.field.sub}, {return}, {thrown}, {elapsed}, {thread}, {method}.",
      "--when: a Java expression over the parameters by name, this (private fields too), args, and at exit returned and thrown;",
      "compiled inside the JVM and checked to be read-only.",
      "With --service NAME (instead of a PID) the probe goes to every process of the service through the controller,",
      "and to processes that start later; the command waits until each reports, and exits 9 unless all applied it."
    })
public final class ProbeAddCommand extends ServiceCommand {
  @Mixin RolloutOptions rollout;

  @Parameters(
      arity = "1..2",
      paramLabel = "[PID] SELECTOR",
      description = "The JVM's process id (unless --host or --service) and a method selector.")
  List<String> positionals;

  @Option(
      names = "--where",
      paramLabel = "LABEL=VALUE",
      description = "With --service: only processes with this label (repeatable; all must match).")
  Map<String, String> where;

  @Option(
      names = {"--timeout", "--rollout-timeout"},
      paramLabel = "DURATION",
      description = "With --service: how long to wait for every process to report (default 30s).")
  String rolloutTimeout;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Kind kind;

  static final class Kind {
    @Option(
        names = "--log",
        paramLabel = "TEMPLATE",
        description = "Log a message made from TEMPLATE.")
    String log;

    @Option(
        names = "--metrics",
        description = "Count calls and exceptions by type; time calls (latency percentiles).")
    boolean metrics;

    @Option(names = "--count", description = "Count calls only, at the lowest cost.")
    boolean count;

    @Option(
        names = "--capture",
        description = "Snapshot arguments, return value, fields of this, and the stack.")
    boolean capture;

    @Option(
        names = "--callers",
        description = "Count the distinct call paths that reach the method.")
    boolean callers;

    @Option(
        names = "--trace",
        description =
            "Time each call the method makes: calls, time and share per callee and line"
                + " (`jlive metrics PID ID`).")
    boolean trace;

    @Option(
        names = "--profile-lines",
        description = "Time each source line of the method: hits, time and share per line.")
    boolean profileLines;
  }

  @Option(
      names = "--line",
      paramLabel = "N",
      description =
          "Act before source line N runs (log, capture or count); locals in scope are visible by name.")
  Integer line;

  @Option(
      names = "--at",
      paramLabel = "POINT",
      description = "entry (default), exit or exception: where --log and --capture act.")
  String at;

  @Option(
      names = "--when",
      paramLabel = "EXPR",
      description =
          "Only calls for which this Java boolean expression holds, e.g. 'quantity >= 10 && this.open'.")
  String when;

  @Option(
      names = "--allow-side-effects",
      description = "Accept a --when expression that jlive cannot prove read-only.")
  boolean allowSideEffects;

  @Option(
      names = "--allow-jdk",
      description = {
        "Probe classes of the JDK itself (java.*, jdk.*, ...), refused otherwise:",
        "the probe also sees the calls of every library and of jlive, so use --count or --metrics there."
      })
  boolean allowJdk;

  @Option(
      names = "--sample",
      paramLabel = "1/N",
      description = "Act on one call in N (events only; counts stay exact).")
  String sample;

  @Option(
      names = "--rate",
      paramLabel = "N",
      description =
          "At most N events per second (default 100); a probe far over it disables itself.")
  Integer rate;

  @Option(names = "--max-hits", paramLabel = "N", description = "Disable the probe after N calls.")
  Long maxHits;

  @Option(
      names = "--ttl",
      paramLabel = "DURATION",
      description = "Disable the probe after this long (default 1h), e.g. 30s, 10m.")
  String ttl;

  @Option(
      names = "--cpu",
      paramLabel = "PERCENT",
      description =
          "Disable the probe if its own work takes more than PERCENT of a CPU (default 5).")
  Double cpu;

  @Option(
      names = "--time-one-in",
      paramLabel = "N",
      description = {
        "--metrics: time a random 1 in N calls for the latency histogram (default 8; 1 times every call).",
        "Call and exception counts stay exact; timing costs two clock reads."
      })
  Integer timeOneIn;

  @Option(
      names = "--depth",
      paramLabel = "N",
      description =
          "--capture: follow references N levels deep (default 2; 0 shows each value's own text).")
  Integer depth;

  @Option(
      names = "--trace-depth",
      paramLabel = "N",
      description = {
        "--trace: levels of the call tree to time (default 1: the calls the method makes; at most 4).",
        "Level 2 also times the calls its callees make, when they are the application's own methods."
      })
  Integer traceDepth;

  @Option(
      names = "--max-size",
      paramLabel = "CHARS",
      description = {
        "--capture: at most CHARS characters for one whole capture (default 16k), e.g. 4000 or 4k;",
        "what is cut is marked with how much was left out."
      })
  String maxSize;

  @Option(
      names = "--no-app-log",
      description = "Log probes: do not also write to the application's own logger.")
  boolean noAppLog;

  @Option(
      names = "--wait",
      description =
          "Keep the probe even if no loaded class matches yet; it installs when one loads.")
  boolean waitForClass;

  @Override
  public Integer call() {
    if (onService()) {
      return addToService();
    }
    refuseFleetOptions(where, rolloutTimeout, "--timeout");
    rollout.refuseWithoutService();
    ProbeSpec spec = spec(afterPid(positionals, 1, "PID SELECTOR").get(0));
    Connected connected = connect(positionals, 1, "PID SELECTOR");
    Map<String, Object> answer = connected.client().post(Api.PROBES, spec.toJson());
    ProbeAdded added = ProbeAdded.fromWire(answer);
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
      return 0;
    }
    List<ClassReport> classes = added.classes();
    long installed =
        classes.stream().filter(entry -> entry.status() == ClassReport.Status.INSTALLED).count();
    printer.line(
        "probe "
            + added.probe().id()
            + " added: "
            + added.probe().specField("kind")
            + " on "
            + added.probe().specField("selector")
            + (classes.isEmpty()
                ? ", waiting for a matching class to load"
                : " in "
                    + installed
                    + " of "
                    + classes.size()
                    + (classes.size() == 1 ? " class" : " classes")));
    List<List<String>> rows = new ArrayList<>();
    for (ClassReport entry : classes) {
      rows.add(
          List.of(
              entry.className(),
              entry.status() == null ? "null" : JsonObject.wireName(entry.status()),
              String.join(", ", entry.methods()),
              entry.error() == null ? "" : entry.error()));
    }
    if (!rows.isEmpty()) {
      printer.table(List.of("CLASS", "STATUS", "METHODS", "ERROR"), rows);
    }
    added.notes().forEach(note -> printer.line("note: " + note));
    return 0;
  }

  /** --service: the same probe, as a change of the service's desired state. */
  private int addToService() {
    String selector = serviceArgs(positionals, 1, 1, "SELECTOR").get(0);
    String service = fleet.service();
    Map<String, Object> change =
        JsonObject.create()
            .put("kind", ChangeKind.PROBE)
            .put("spec", spec(selector))
            .put("where", where(where))
            .put("rollout", rollout.plan())
            .toMap();
    Duration timeout =
        rolloutTimeout == null
            ? Rollout.DEFAULT_TIMEOUT
            : Durations.parse("--timeout", rolloutTimeout);
    return Rollout.send(controller(), service, change, timeout, printer());
  }

  private ProbeSpec.Kind otherKind() {
    if (kind.trace) {
      return ProbeSpec.Kind.TRACE;
    }
    if (kind.profileLines) {
      return ProbeSpec.Kind.LINES;
    }
    return kind.capture ? ProbeSpec.Kind.CAPTURE : ProbeSpec.Kind.CALLERS;
  }

  /**
   * The probe request, checked here as the agent and the controller check it: a bad one is refused
   * before any connection. Its JSON is the body of the agent's POST /v1/probes; the controller
   * passes it on unchanged as the change's spec.
   */
  ProbeSpec spec(String selector) {
    return LocalCheck.checked(
        () -> {
          ProbeSpec.Builder spec =
              ProbeSpec.builder(
                  selector,
                  kind.log != null
                      ? ProbeSpec.Kind.LOG
                      : kind.metrics
                          ? ProbeSpec.Kind.METRICS
                          : kind.count ? ProbeSpec.Kind.COUNT : otherKind());
          spec.template(kind.log)
              .waitForClass(waitForClass)
              .appLog(!noAppLog)
              .when(when)
              .allowJdk(allowJdk)
              .allowSideEffects(allowSideEffects);
          if (at != null) {
            spec.at(ProbeSpec.pointNamed(at));
          }
          if (line != null) {
            spec.line(line);
          }
          if (sample != null) {
            spec.sampleOneIn(parseSample(sample));
          }
          if (rate != null) {
            spec.ratePerSecond(rate);
          }
          if (maxHits != null) {
            spec.maxHits(maxHits);
          }
          if (ttl != null) {
            spec.timeToLive(Durations.parse("--ttl", ttl));
          }
          if (cpu != null) {
            spec.cpuPercent(cpu);
          }
          if (timeOneIn != null) {
            spec.timeOneIn(timeOneIn);
          }
          if (depth != null) {
            spec.captureDepth(depth);
          }
          if (traceDepth != null) {
            spec.traceDepth(traceDepth);
          }
          if (maxSize != null) {
            spec.captureMaxChars(parseSize(maxSize));
          }
          return spec.build();
        });
  }

  static long parseSize(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    long unit = value.endsWith("k") ? 1024 : 1;
    String digits = unit == 1 ? value : value.substring(0, value.length() - 1);
    try {
      return Math.multiplyExact(Long.parseLong(digits), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "--max-size " + text + " is not a number of characters",
          "write e.g. --max-size 4000 or --max-size 4k");
    }
  }

  static long parseSample(String text) {
    String value = text.trim();
    String n = value.startsWith("1/") ? value.substring(2) : value;
    try {
      long oneIn = Long.parseLong(n);
      if (oneIn >= 1) {
        return oneIn;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CliException(
        ExitCode.USAGE,
        "USAGE",
        "--sample " + text + " is not a sampling rate",
        "write 1/N, e.g. --sample 1/100");
  }
}

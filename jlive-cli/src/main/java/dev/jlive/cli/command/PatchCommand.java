package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.patch.PatchPhase;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.patch.PatchResult;
import dev.jlive.protocol.patch.PatchedClass;
import dev.jlive.protocol.patch.SafepointMode;
import dev.jlive.protocol.patch.SafepointReport;
import dev.jlive.protocol.rollout.RolloutPlan;
import dev.jlive.protocol.shadow.ShadowRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "patch",
    description = {
      "Give loaded classes new method bodies, from Java source compiled inside the JVM (against the classes it runs),",
      "or from compiled classes (--classes). Fields, methods, signatures and the class hierarchy must stay as they are.",
      "Every patch is a change with an id: `jlive diff` shows it, `jlive revert` takes it back.",
      "With --service NAME (instead of a PID) the patch goes to every process of the service through the controller,",
      "and to processes that start later; the command waits until each reports, and exits 9 unless all applied it.",
      "With --shadow the candidate only runs beside the running code on sampled live calls and is compared with it:",
      "`jlive shadow PID ID` reports, `jlive patch promote PID ID` installs it, `jlive revert PID ID` drops it;",
      "with --service every process runs it and `jlive shadow --service NAME ID` merges their reports."
    },
    subcommands = {PatchPromoteCommand.class})
public final class PatchCommand extends ServiceCommand {
  @Mixin RolloutOptions rollout;

  @Parameters(
      arity = "0..*",
      paramLabel = "[PID] FILE.java|METHOD",
      description =
          "The JVM's process id (unless --host or --service), then whole-class Java sources (or one method selector with --method-file).")
  List<String> positionals;

  @Option(
      names = "--where",
      paramLabel = "LABEL=VALUE",
      description = "With --service: only processes with this label (repeatable; all must match).")
  Map<String, String> where;

  @Option(
      names = "--rollout-timeout",
      paramLabel = "DURATION",
      description =
          "With --service: how long to wait for every process to report (default 30s, or --timeout plus 10s if longer).")
  String rolloutTimeout;

  @Option(
      names = "--method-file",
      paramLabel = "FILE",
      description = {
        "The new source of one method (its declaration and body, import lines on top if needed), when the class's",
        "source is not at hand: jlive patch PID 'com.acme.Cart#total()' --method-file total.java"
      })
  Path methodFile;

  @Option(
      names = "--classes",
      paramLabel = "DIR|JAR",
      description =
          "Compiled classes instead of sources: a directory or a jar (only loaded classes are used).")
  Path classes;

  @Option(
      names = "--loader",
      paramLabel = "ID",
      description = "The class loader, when a class is loaded by several (see `jlive classes`).")
  String loader;

  @Option(
      names = "--safepoint",
      paramLabel = "MODE",
      description = {
        "quiescent (default): swap only when no thread runs a changed method, so no call mixes old and new code;",
        "immediate: plain JVM semantics, calls already running finish the old code."
      })
  String safepoint;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "How long to wait for the safe point (default 5s); then nothing changes.")
  String timeout;

  @Option(
      names = "--check",
      paramLabel = "EXPR",
      description =
          "A Java boolean expression that must hold at the safe point, e.g. '!Cache.LOCK.isLocked()'.")
  String check;

  @Option(
      names = "--check-class",
      paramLabel = "CLASS",
      description =
          "An application class implementing dev.jlive.api.SafepointCheck (artifact jlive-api).")
  String checkClass;

  @Option(
      names = "--also",
      paramLabel = "SELECTOR",
      description = "Widen the quiescence set, e.g. both sides of a critical section (repeatable).")
  List<String> also;

  @Option(
      names = "--dry-run",
      description = "Compile and compare only: say what would change, change nothing.")
  boolean dryRun;

  @Option(
      names = "--shadow",
      description = {
        "Do not install: run the candidate beside the running code on sampled live calls, after the original",
        "answered, and compare the outcomes. Both bodies must pass the side-effect check.",
        "With --service: on every process at once (no waves); `jlive shadow --service NAME ID` merges",
        "the reports, `jlive patch promote --service NAME ID` installs it."
      })
  boolean shadow;

  @Option(
      names = "--sample",
      paramLabel = "1/N",
      description = {
        "With --shadow, or a --rollout gated on shadow.*: shadow one call in N (default 1/10; 1/1",
        "for a rollout)."
      })
  String sample;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      description = "With --shadow: how long the shadow runs before it expires (default 10m).")
  String duration;

  @Option(
      names = "--expect",
      paramLabel = "EXPR",
      description = {
        "With --shadow, or a --rollout gated on shadow.*: where differences are expected, over the",
        "arguments, e.g. 'quantity == 10'."
      })
  String expect;

  @Option(
      names = "--no-noise-learning",
      description =
          "With --shadow: do not run the old code twice to learn which parts of a result vary by themselves.")
  boolean noNoiseLearning;

  @Override
  public Integer call() throws IOException {
    if (shadow) {
      return shadow();
    }
    boolean shadowGated = onService() && rollout.isGiven();
    if ((sample != null || expect != null) && !shadowGated || duration != null || noNoiseLearning) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "--sample, --duration, --expect and --no-noise-learning go with --shadow"
              + " (--expect and --sample also with --service and --rollout, for shadow gates)",
          "add --shadow to try the patch beside the running code, or drop them");
    }
    if (onService()) {
      return patchService();
    }
    refuseFleetOptions(where, rolloutTimeout, "--rollout-timeout");
    rollout.refuseWithoutService();
    List<String> args = positionals == null ? List.of() : positionals;
    int wanted = Math.max(0, args.size() - (target.isRemote() ? 0 : 1));
    PatchRequest request = spec(afterPid(args, wanted, "PID FILE.java..."));
    Connected connected = connect(args, wanted, "PID FILE.java...");
    Map<String, Object> answer = connected.client().post(Api.PATCHES, request.toJson());
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
      return 0;
    }
    PatchResult result = PatchResult.fromWire(answer);
    SafepointReport swap = result.safepoint();
    printer.line(
        dryRun
            ? "dry run: the patch would change (nothing was changed):"
            : "patch "
                + result.id()
                + " applied ("
                + (swap == null ? null : JsonObject.wireName(swap.mode()))
                + (swap == null || swap.mode() != SafepointMode.QUIESCENT
                    ? ""
                    : " safe point after "
                        + swap.attempts()
                        + " attempt(s), callers held at most "
                        + swap.gateClosedMaxMillis()
                        + " ms")
                + "):");
    List<List<String>> rows = new ArrayList<>();
    for (PatchedClass patched : result.classes()) {
      rows.add(List.of(patched.className(), String.join(", ", patched.changedMethods())));
    }
    printer.table(List.of("CLASS", "NEW CODE IN"), rows);
    if (!result.phases().isEmpty()) {
      printer.line(phases(result.phases()));
    }
    return 0;
  }

  /**
   * Where the agent's time went, e.g. {@code took: compiled 412 ms, woven 20 ms, swapped 3 ms};
   * ASCII, since a terminal in the C locale prints other characters as '?'.
   */
  static String phases(List<PatchPhase> phases) {
    List<String> parts = new ArrayList<>();
    for (PatchPhase phase : phases) {
      double millis = phase.millis();
      parts.add(
          phase.name()
              + " "
              + (millis >= 10 ? Long.toString(Math.round(millis)) : String.valueOf(millis))
              + " ms");
    }
    return "took: " + String.join(", ", parts);
  }

  /** --shadow: the candidate runs beside the running code; nothing is installed. */
  private int shadow() throws IOException {
    if (onService()) {
      return shadowService();
    }
    List<String> args = positionals == null ? List.of() : positionals;
    int wanted = Math.max(0, args.size() - (target.isRemote() ? 0 : 1));
    ShadowRequest request = shadowRequest(spec(afterPid(args, wanted, "PID FILE.java...")));
    Connected connected = connect(args, wanted, "PID FILE.java...");
    Map<String, Object> answer = connected.client().post(Api.SHADOWS, request.toJson());
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
      return 0;
    }
    String pid = target.isRemote() ? "" : args.get(0) + " ";
    printer.line(
        "shadow "
            + answer.get("id")
            + " runs the candidate beside "
            + answer.get("methods")
            + " on 1 call in "
            + answer.get("sampleEvery")
            + " until "
            + answer.get("expiresAt")
            + "; nothing was installed");
    printer.line(
        "report: jlive shadow "
            + pid
            + answer.get("id")
            + "   install: jlive patch promote "
            + pid
            + answer.get("id")
            + "   drop: jlive revert "
            + pid
            + answer.get("id"));
    return 0;
  }

  /** The shadow request of --shadow, checked here as the agent checks it. */
  private ShadowRequest shadowRequest(PatchRequest patch) {
    return LocalCheck.checked(
        () ->
            new ShadowRequest(
                patch,
                sample == null
                    ? ShadowRequest.DEFAULT_SAMPLE_EVERY
                    : ShadowRequest.parseSample(sample),
                duration == null ? null : Durations.parse("--duration", duration),
                expect,
                !noNoiseLearning));
  }

  /** --shadow --service: the shadow, as a change of the service that every process runs. */
  private int shadowService() throws IOException {
    rollout.refuseWithShadow();
    List<String> args = serviceFiles();
    String service = fleet.service();
    Map<String, Object> change =
        JsonObject.create()
            .put("kind", ChangeKind.SHADOW)
            .put("spec", shadowRequest(spec(args)))
            .put("where", where(where))
            .toMap();
    int code = Rollout.send(controller(), service, change, rolloutTimeout(), printer());
    if (!printer().isJson()) {
      printer()
          .line(
              "report: jlive shadow --service "
                  + service
                  + " ID   install: jlive patch promote --service "
                  + service
                  + " ID   drop: jlive revert --service "
                  + service
                  + " ID");
    }
    return code;
  }

  /** --service: the same patch, as a change of the service's desired state. */
  private int patchService() throws IOException {
    List<String> args = serviceFiles();
    if (dryRun) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "--dry-run does not go with --service: a service's changes are stored and applied",
          "try the patch on one process first: `jlive processes NAME` gives a PID and host, then `jlive patch PID ... --dry-run`");
    }
    String service = fleet.service();
    Map<String, Object> change =
        JsonObject.create()
            .put("kind", ChangeKind.PATCH)
            .put("spec", spec(args))
            .put("where", where(where))
            .put("rollout", withShadowSettings(rollout.plan()))
            .toMap();
    return Rollout.send(controller(), service, change, rolloutTimeout(), printer());
  }

  /** A plan whose gates read {@code shadow.*}: where its shadow expects differences, how often. */
  private Map<String, Object> withShadowSettings(Map<String, Object> plan) {
    if (plan == null || (expect == null && sample == null)) {
      return plan;
    }
    if (!rollout.readsShadow()) {
      // The plan would carry them, but no shadow runs without a gate that reads one.
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "--expect and --sample set the shadow a rollout runs for its shadow.* gates, and this"
              + " rollout has none",
          "add --gate 'shadow.unexpected == 0', or add --shadow to shadow the patch without"
              + " rolling it out");
    }
    int every =
        LocalCheck.checked(
            () ->
                sample == null
                    ? RolloutPlan.DEFAULT_SHADOW_SAMPLE_EVERY
                    : ShadowRequest.parseSample(sample));
    return JsonObject.create()
        .putAll(plan)
        .put("shadowExpect", expect)
        .put("shadowSampleEvery", every)
        .toMap();
  }

  /** The positionals after --service: files, never a PID. */
  private List<String> serviceFiles() {
    List<String> args =
        serviceArgs(
            positionals,
            0,
            Integer.MAX_VALUE,
            "FILE.java..., --classes DIR|JAR or METHOD --method-file FILE");
    if (!args.isEmpty() && args.get(0).matches("[0-9]+") && !Files.exists(Paths.get(args.get(0)))) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "--service and a PID are mutually exclusive: '" + args.get(0) + "' looks like a PID",
          "drop the PID to patch every process of the service, or drop --service to patch that one JVM");
    }
    return args;
  }

  /**
   * How long to wait for a service's processes: at least the safe-point wait each of them may take,
   * plus 10s.
   */
  Duration rolloutTimeout() {
    if (rolloutTimeout != null) {
      return Durations.parse("--rollout-timeout", rolloutTimeout);
    }
    Duration safepointWait =
        timeout == null ? Duration.ofSeconds(5) : Durations.parse("--timeout", timeout);
    Duration atLeast = safepointWait.plusSeconds(10);
    return atLeast.compareTo(Rollout.DEFAULT_TIMEOUT) > 0 ? atLeast : Rollout.DEFAULT_TIMEOUT;
  }

  /**
   * The patch request, from the positionals after the PID, checked here as the agent and the
   * controller check it: a bad one is refused before any connection. Its JSON is the body of the
   * agent's POST /v1/patches; the controller passes it on unchanged as the change's spec.
   */
  PatchRequest spec(List<String> rest) throws IOException {
    PatchRequest.Builder request;
    if (methodFile != null) {
      if (rest.size() != 1 || classes != null) {
        throw new CliException(
            ExitCode.USAGE,
            "USAGE",
            "--method-file goes with one method selector, e.g. 'com.acme.Cart#total()'",
            "");
      }
      if (!Files.isRegularFile(methodFile)) {
        throw new CliException(ExitCode.USAGE, "USAGE", methodFile + " is not a file", "");
      }
      request =
          PatchRequest.ofMethod(rest.get(0), Files.readString(methodFile, StandardCharsets.UTF_8));
    } else if (classes != null) {
      if (!rest.isEmpty()) {
        throw new CliException(
            ExitCode.USAGE, "USAGE", "give Java sources or --classes, not both", "");
      }
      request = PatchRequest.ofClassFiles(classFiles(classes));
    } else {
      if (rest.isEmpty()) {
        throw new CliException(
            ExitCode.USAGE,
            "USAGE",
            "name the Java source files of the classes to patch, or --classes DIR|JAR",
            "");
      }
      List<PatchRequest.Source> sources = new ArrayList<>();
      for (String file : rest) {
        Path path = Paths.get(file);
        if (!Files.isRegularFile(path)) {
          throw new CliException(ExitCode.USAGE, "USAGE", file + " is not a file", "");
        }
        String code = Files.readString(path, StandardCharsets.UTF_8);
        sources.add(
            LocalCheck.checked(() -> new PatchRequest.Source(path.getFileName().toString(), code)));
      }
      request = PatchRequest.ofSources(sources);
    }
    request
        .loader(loader)
        .dryRun(dryRun)
        .check(check)
        .checkClass(checkClass)
        .also(also == null ? List.of() : also);
    if (timeout != null) {
      request.timeout(Durations.parse("--timeout", timeout));
    }
    return LocalCheck.checked(
        () -> {
          if (safepoint != null) {
            request.safepoint(safepoint);
          }
          return request.build();
        });
  }

  private static List<byte[]> classFiles(Path location) throws IOException {
    List<byte[]> encoded = new ArrayList<>();
    if (Files.isDirectory(location)) {
      try (Stream<Path> files = Files.walk(location)) {
        for (Path file : files.filter(path -> path.toString().endsWith(".class")).toList()) {
          encoded.add(Files.readAllBytes(file));
        }
      }
    } else if (Files.isRegularFile(location)) {
      try (JarFile jar = new JarFile(location.toFile())) {
        for (JarEntry entry :
            jar.stream()
                .filter(
                    entry ->
                        entry.getName().endsWith(".class")
                            && !entry.getName().startsWith("META-INF/"))
                .toList()) {
          try (InputStream in = jar.getInputStream(entry)) {
            encoded.add(in.readAllBytes());
          }
        }
      }
    } else {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "--classes " + location + " is neither a directory nor a jar",
          "");
    }
    if (encoded.isEmpty()) {
      throw new CliException(
          ExitCode.USAGE, "USAGE", "--classes " + location + " holds no class files", "");
    }
    return encoded;
  }
}

package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.controller.rollout.gate.Gate;
import dev.jlive.protocol.rollout.RolloutPlan;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The staged-rollout options of {@code patch --service} and {@code probe add --service}: the plan
 * is checked here as the controller checks it, so a bad one is refused before anything is sent.
 */
public final class RolloutOptions {
  @Option(
      names = "--rollout",
      paramLabel = "WAVES",
      description = {
        "With --service: send the change in waves, each a count or a share of the matching processes,",
        "the last 100%%, e.g. 1,25%%,100%%. Each wave bakes, then its health gates are judged."
      })
  String waves;

  @Option(
      names = "--wave-by",
      paramLabel = "LABEL",
      description = "With --service: one wave per value of this label (one zone after another).")
  String waveBy;

  @Option(
      names = "--bake",
      paramLabel = "DURATION",
      description = "How long each wave runs before its gates are judged (default 1m).")
  String bake;

  @Option(
      names = "--wave-timeout",
      paramLabel = "DURATION",
      description = {
        "How long a wave's processes have to report the change applied; then the wave fails and the",
        "rollout rolls back (default: 2m to compile, plus the patch's safe-point wait, plus three",
        "agent heartbeats)."
      })
  String waveTimeout;

  @Option(
      names = "--gate",
      paramLabel = "EXPR",
      description = {
        "A health gate, canary against control (repeatable), e.g. 'errors <= 1.1 * control',",
        "'p99 <= 1.2 * control + 2ms', 'probe:c7.p99 <= 50ms'. A patch gated on 'shadow.unexpected",
        "== 0' (or shadow.compared, .equal, .expected, .exceptions) is first shadowed on every",
        "process and reaches none until those gates pass (--expect EXPR where differences belong)."
      })
  List<String> gates;

  @Option(
      names = "--min-calls",
      paramLabel = "N",
      description =
          "Calls a gate needs in its window before it may pass (default 200); fewer: waiting.")
  Long minCalls;

  boolean isGiven() {
    return waves != null || waveBy != null;
  }

  /** Whether a --gate reads the shadow that then runs before the first wave. */
  boolean readsShadow() {
    return gates != null && gates.stream().anyMatch(gate -> Gate.parse(gate).readsShadow());
  }

  /** The plan in wire form, or null when no rollout was asked for. */
  Map<String, Object> plan() {
    if (!isGiven()) {
      if (bake != null || gates != null || minCalls != null || waveTimeout != null) {
        throw new CliException(
            ExitCode.USAGE,
            "USAGE",
            "--bake, --wave-timeout, --gate and --min-calls belong to a staged rollout",
            "add --rollout 1,25%,100% (or --wave-by LABEL)");
      }
      return null;
    }
    return LocalCheck.checked(
            () -> {
              // The controller's own parser: a gate that does not parse is refused here, at its
              // character, before anything is sent.
              for (String gate : gates == null ? List.<String>of() : gates) {
                Gate.parse(gate);
              }
              return new RolloutPlan(
                  waves == null ? List.of() : RolloutPlan.parseWaves(waves),
                  waveBy,
                  bake == null
                      ? RolloutPlan.DEFAULT_BAKE_MILLIS
                      : Durations.parse("--bake", bake).toMillis(),
                  gates,
                  minCalls == null ? RolloutPlan.DEFAULT_MIN_CALLS : minCalls,
                  waveTimeoutMillis());
            })
        .toJson();
  }

  /** Fails if rollout options were given to a shadow, which runs on every process at once. */
  void refuseWithShadow() {
    if (isGiven() || bake != null || gates != null || minCalls != null || waveTimeout != null) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "--rollout, --wave-by, --bake, --wave-timeout, --gate and --min-calls do not go with"
              + " --shadow: a shadow installs nothing and runs on every process at once",
          "to gate a patch's rollout on a shadow, drop --shadow and add --gate 'shadow.unexpected"
              + " == 0' (with --expect where differences are expected)");
    }
  }

  /** 0 when not given: the controller's default. */
  private long waveTimeoutMillis() {
    if (waveTimeout == null) {
      return 0;
    }
    long millis = Durations.parse("--wave-timeout", waveTimeout).toMillis();
    if (millis <= 0) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "--wave-timeout must be more than 0, not '" + waveTimeout + "'",
          "e.g. --wave-timeout 2m, or leave it out for the default");
    }
    return millis;
  }

  /** Fails if rollout options were given to a command aimed at one JVM. */
  void refuseWithoutService() {
    if (isGiven() || bake != null || gates != null || minCalls != null || waveTimeout != null) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "--rollout, --wave-by, --bake, --wave-timeout, --gate and --min-calls only go with"
              + " --service NAME",
          "a change to one JVM has no waves");
    }
  }
}

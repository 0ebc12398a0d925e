package dev.jlive.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The bodies probe add and patch build, the same for a PID and for --service. */
class SpecBodiesTest {
  @TempDir Path dir;

  private static ProbeAddCommand probeAdd(String... args) {
    CommandLine commandLine = new CommandLine(new ProbeAddCommand());
    commandLine.parseArgs(args);
    return commandLine.getCommand();
  }

  private static PatchCommand patch(String... args) {
    CommandLine commandLine = new CommandLine(new PatchCommand());
    commandLine.parseArgs(args);
    return commandLine.getCommand();
  }

  @Test
  void aLogProbeWithEveryOption() {
    ProbeAddCommand command =
        probeAdd(
            "4242",
            "com.acme.Cart#add",
            "--log",
            "qty={quantity}",
            "--at",
            "exit",
            "--sample",
            "1/100",
            "--rate",
            "5",
            "--max-hits",
            "1000",
            "--ttl",
            "30s",
            "--cpu",
            "2.5",
            "--wait",
            "--no-app-log",
            "--when",
            "quantity > 1",
            "--allow-side-effects");

    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("selector", "com.acme.Cart#add");
    expected.put("kind", "log");
    expected.put("template", "qty={quantity}");
    expected.put("at", "exit");
    expected.put("sampleOneIn", 100);
    expected.put("ratePerSecond", 5);
    expected.put("maxHits", 1000L);
    expected.put("ttlMillis", 30_000L);
    expected.put("cpuPercent", 2.5);
    expected.put("wait", true);
    expected.put("appLog", false);
    expected.put("when", "quantity > 1");
    expected.put("allowSideEffects", true);
    assertThat(command.spec("com.acme.Cart#add").toJson()).containsExactlyEntriesOf(expected);
  }

  /**
   * Issue 11: the CLI checks the request with the agent's own record, so a bad one is refused here,
   * with its message.
   */
  @Test
  void aBadProbeIsRefusedLocallyWithTheAgentsMessage() {
    CliException e =
        catchThrowableOfType(
            CliException.class,
            () ->
                probeAdd("4242", "com.acme.Cart#add", "--log", "x", "--at", "exit", "--line", "42")
                    .spec("com.acme.Cart#add"));
    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(e.code()).isEqualTo("BAD_REQUEST");
    assertThat(e.getMessage()).isEqualTo("a line probe acts before its line; --at does not apply");

    assertThat(
            catchThrowableOfType(
                    CliException.class,
                    () -> probeAdd("4242", "com.acme.Cart", "--count").spec("com.acme.Cart"))
                .getMessage())
        .isEqualTo("'com.acme.Cart' is not a method selector: it needs CLASS#METHOD");
    assertThat(
            catchThrowableOfType(
                    CliException.class,
                    () -> probeAdd("4242", "a.B#c", "--count", "--rate", "0").spec("a.B#c"))
                .getMessage())
        .isEqualTo("the probe request: 'ratePerSecond' must be from 1 to 1000000, not 0");
    assertThat(
            catchThrowableOfType(
                    CliException.class,
                    () -> probeAdd("4242", "a.B#c", "--log", "x", "--at", "exitt").spec("a.B#c"))
                .getMessage())
        .isEqualTo("the probe request: 'exitt' is not a valid at");
  }

  @Test
  void aBadPatchIsRefusedLocallyWithTheAgentsMessage() throws IOException {
    Path file = Files.writeString(dir.resolve("Cart.java"), "class Cart {}");
    CliException e =
        catchThrowableOfType(
            CliException.class,
            () ->
                patch("4242", file.toString(), "--safepoint", "immediate", "--check", "true")
                    .spec(List.of(file.toString())));
    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(e.getMessage()).isEqualTo("--check needs the quiescent safe point");
    assertThat(
            catchThrowableOfType(
                    CliException.class,
                    () ->
                        patch("4242", file.toString(), "--safepoint", "soon")
                            .spec(List.of(file.toString())))
                .getMessage())
        .isEqualTo("'soon' is not a safe point");
  }

  @Test
  void aCountProbeIsJustSelectorAndKind() {
    assertThat(probeAdd("--service", "shop", "a.B#c", "--count").spec("a.B#c").toJson())
        .containsExactly(Map.entry("selector", "a.B#c"), Map.entry("kind", "count"));
  }

  @Test
  void whereTakesRepeatedLabels() {
    ProbeAddCommand command =
        probeAdd(
            "--service",
            "shop",
            "a.B#c",
            "--count",
            "--where",
            "zone=eu",
            "--where",
            "canary=true");

    assertThat(ServiceCommand.where(command.where))
        .isEqualTo(Map.of("zone", "eu", "canary", "true"));
    assertThat(command.fleet.isGiven()).isTrue();
    assertThat(command.fleet.service()).isEqualTo("shop");
  }

  @Test
  void aPatchOfOneMethod() throws IOException {
    Path file = Files.writeString(dir.resolve("total.java"), "long total() { return 0; }");
    PatchCommand command =
        patch(
            "--service",
            "shop",
            "com.acme.Cart#total()",
            "--method-file",
            file.toString(),
            "--also",
            "a.B#c",
            "--check",
            "true",
            "--loader",
            "app");

    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("method", "com.acme.Cart#total()");
    expected.put("methodSource", "long total() { return 0; }");
    expected.put("loader", "app");
    expected.put("dryRun", false);
    expected.put("check", "true");
    expected.put("also", List.of("a.B#c"));
    assertThat(command.spec(List.of("com.acme.Cart#total()")).toJson())
        .containsExactlyEntriesOf(expected);
  }

  @Test
  void aPatchNeedsSourcesClassesOrAMethod() {
    CliException e =
        catchThrowableOfType(CliException.class, () -> patch("--service", "shop").spec(List.of()));

    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(e.getMessage()).contains("name the Java source files");
  }

  @Test
  void theRolloutWaitOfAPatchCoversItsSafePointWait() {
    assertThat(patch("--service", "s", "X.java").rolloutTimeout()).hasSeconds(30);
    assertThat(patch("--service", "s", "X.java", "--timeout", "60s").rolloutTimeout())
        .hasSeconds(70);
    assertThat(
            patch("--service", "s", "X.java", "--timeout", "60s", "--rollout-timeout", "5s")
                .rolloutTimeout())
        .hasSeconds(5);
  }
}

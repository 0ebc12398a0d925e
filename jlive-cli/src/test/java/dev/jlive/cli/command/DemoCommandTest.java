package dev.jlive.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.cli.ExitCode;
import dev.jlive.cli.JLiveCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoCommandTest {
  @Test
  void aFleetBakeThatIsNotADurationIsRefusedBeforeTheTourStartsAnything() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        JLiveCommand.run(
            new String[] {"demo", "--fleet", "--no-pause", "--fleet-bake", "soon"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).isEqualTo(ExitCode.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--fleet-bake soon is not a duration")
        .contains("write e.g. 500ms, 30s");
    // Nothing started: not even the tour's first line.
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("jlive demo --fleet");
  }

  @Test
  void aFleetRateBelowOneIsRefusedBeforeTheTourStartsAnything() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        JLiveCommand.run(
            new String[] {"demo", "--fleet", "--no-pause", "--fleet-rate", "0"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).isEqualTo(ExitCode.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--fleet-rate 0 is not a rate")
        .contains("1 or more");
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("jlive demo --fleet");
  }
}

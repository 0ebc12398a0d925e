package dev.jlive.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.cli.CliException;
import dev.jlive.cli.JLiveCommand;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;

/** Where the shell puts its target into a typed line, on one JVM and on a service. */
class CommandLinesTest {
  private static final CommandSpec MODEL = JLiveCommand.commandTree().getCommandSpec();
  private static final ShellTarget PID = new ShellTarget("42", List.of("42"), null, null, null);
  private static final ShellTarget SERVICE =
      new ShellTarget(
          "shop",
          List.of("--service", "shop", "--controller", "http://ctl:7080"),
          null,
          null,
          "shop");

  @Test
  void thePidGoesRightAfterTheCommandName() {
    assertThat(CommandLines.withTarget(MODEL, List.of("probe", "add", "A#b", "--count"), PID))
        .containsExactly("probe", "add", "42", "A#b", "--count");
    assertThat(CommandLines.withTarget(MODEL, List.of("info"), PID)).containsExactly("info", "42");
    assertThat(CommandLines.withTarget(MODEL, List.of("probe", "remove", "p1"), PID))
        .containsExactly("probe", "remove", "42", "p1");
  }

  @Test
  void commandsWithoutATargetAreLeftAsTyped() {
    assertThat(CommandLines.withTarget(MODEL, List.of("ps"), PID)).containsExactly("ps");
    assertThat(CommandLines.withTarget(MODEL, List.of("help", "probe", "add"), SERVICE))
        .containsExactly("help", "probe", "add");
  }

  @Test
  void aServiceGoesInAsServiceAndControllerOptions() {
    assertThat(CommandLines.withTarget(MODEL, List.of("probe", "add", "A#b", "--count"), SERVICE))
        .containsExactly(
            "probe",
            "add",
            "--service",
            "shop",
            "--controller",
            "http://ctl:7080",
            "A#b",
            "--count");
  }

  @Test
  void aOneJvmCommandOnAServiceIsRefusedWithAHint() {
    assertThatThrownBy(() -> CommandLines.withTarget(MODEL, List.of("threads"), SERVICE))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("`threads` works on one JVM")
        .satisfies(e -> assertThat(((CliException) e).hint()).contains("jlive processes shop"));
  }
}

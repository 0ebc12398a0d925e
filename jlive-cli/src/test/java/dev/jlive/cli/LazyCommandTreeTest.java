package dev.jlive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * A command line run on the part of the tree it names ({@link JLiveCommand#commandLineFor}) prints
 * and exits exactly as it does on the whole tree.
 */
class LazyCommandTreeTest {

  static Stream<String[]> commandLines() {
    return Stream.of(
        new String[] {},
        new String[] {"--version"},
        new String[] {"-V"},
        new String[] {"--help"},
        new String[] {"help"},
        new String[] {"help", "probe", "add"},
        new String[] {"help", "probe", "ad"},
        new String[] {"probe", "add", "--help"},
        new String[] {"probe", "add"},
        new String[] {"probe", "ad"},
        new String[] {"probe", "rm", "--help"},
        new String[] {"pss"},
        new String[] {"--bogus"},
        new String[] {"--version", "ps"},
        new String[] {"ps", "--bogus"},
        new String[] {"attach"},
        new String[] {"attach", "not-a-pid"},
        new String[] {"controller", "users", "--help"},
        new String[] {"rollout"});
  }

  @ParameterizedTest
  @MethodSource("commandLines")
  void printsAndExitsAsTheWholeTreeDoes(String[] args) {
    Run whole = Run.of(JLiveCommand.commandTree(), args);
    Run lazy = Run.of(JLiveCommand.commandLineFor(args), args);
    assertThat(lazy).isEqualTo(whole);
  }

  @ParameterizedTest
  @MethodSource("commandLines")
  void mainEntryTakesTheLazyTree(String[] args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = JLiveCommand.run(args, print(out), print(err));
    assertThat(new Run(code, text(out), text(err)))
        .isEqualTo(Run.of(JLiveCommand.commandTree(), args));
  }

  @Test
  void aCommandLineBuildsOnlyTheCommandItNames() {
    CommandLine probeAdd = JLiveCommand.commandLineFor(new String[] {"probe", "add", "--help"});
    assertThat(probeAdd.getSubcommands()).containsOnlyKeys("probe");
    assertThat(probeAdd.getSubcommands().get("probe").getSubcommands()).containsKey("add");
    assertThat(JLiveCommand.commandLineFor(new String[] {"--version"}).getSubcommands()).isEmpty();
    // The control: the whole tree, which the lazy one must print the same as.
    assertThat(JLiveCommand.commandTree().getSubcommands()).hasSizeGreaterThan(20);
  }

  @Test
  void aMistypedCommandStillGetsTheNearestNames() {
    Run run = Run.of(JLiveCommand.commandLineFor(new String[] {"pss"}), new String[] {"pss"});
    assertThat(run.code()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).contains("Did you mean").contains("ps");
  }

  record Run(int code, String out, String err) {
    static Run of(CommandLine tree, String[] args) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = JLiveCommand.run(tree, args, print(out), print(err));
      return new Run(code, text(out), text(err));
    }
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  private static String text(ByteArrayOutputStream bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}

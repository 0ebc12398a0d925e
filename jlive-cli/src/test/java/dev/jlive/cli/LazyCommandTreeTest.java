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

  /** Command lines, words split at spaces; "" is no arguments at all. */
  private static final String[] COMMAND_LINES = {
    "",
    "--version",
    "-V",
    "--help",
    "help",
    "help probe add",
    "help probe ad",
    "probe add --help",
    "probe add",
    "probe ad",
    "probe rm --help",
    "pss",
    "--bogus",
    "--version ps",
    "ps --bogus",
    "attach",
    "attach not-a-pid",
    "controller users --help",
    "rollout"
  };

  static Stream<String> commandLines() {
    return Stream.of(COMMAND_LINES);
  }

  @ParameterizedTest
  @MethodSource("commandLines")
  void printsAndExitsAsTheWholeTreeDoes(String line) {
    String[] args = words(line);
    Run whole = Run.of(JLiveCommand.commandTree(), args);
    Run lazy = Run.of(JLiveCommand.commandLineFor(args), args);
    assertThat(lazy).isEqualTo(whole);
  }

  @ParameterizedTest
  @MethodSource("commandLines")
  void mainEntryTakesTheLazyTree(String line) {
    String[] args = words(line);
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
    // The control: on the root alone (what --version gets) the same line has no suggestion, so the
    // comparison above would see a tree that lacks commands.
    CommandLine rootAlone = JLiveCommand.commandLineFor(new String[] {"--version"});
    assertThat(Run.of(rootAlone, new String[] {"pss"})).isNotEqualTo(run);
  }

  record Run(int code, String out, String err) {
    static Run of(CommandLine tree, String[] args) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = JLiveCommand.run(tree, args, print(out), print(err));
      return new Run(code, text(out), text(err));
    }
  }

  private static String[] words(String line) {
    return line.isEmpty() ? new String[0] : line.split(" ");
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  private static String text(ByteArrayOutputStream bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}

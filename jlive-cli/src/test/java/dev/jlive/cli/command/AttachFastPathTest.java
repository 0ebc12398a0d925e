package dev.jlive.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.cli.ExitCode;
import dev.jlive.cli.JLiveCommand;
import dev.jlive.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code jlive attach} without picocli ({@link AttachFastPath}) prints and exits exactly as the
 * picocli path does, for every line it takes; every other line is left to picocli. The successful
 * attach is compared in the integration tests, which run the CLI through {@link Main#run}.
 */
class AttachFastPathTest {
  /** Above Linux's largest pid (2^22): no process has it. */
  private static final String NO_SUCH_PID = "999999999";

  private static Process notAJvm;

  @BeforeAll
  static void startAProcessThatIsNoJvm() throws IOException {
    notAJvm = new ProcessBuilder("sleep", "600").start();
  }

  @AfterAll
  static void stopIt() {
    notAJvm.destroyForcibly();
  }

  /** Lines the fast path takes; {@code SELF} and {@code SLEEP} stand for those pids. */
  static Stream<String> linesItTakes() {
    return Stream.of(
        "attach " + NO_SUCH_PID,
        "attach " + NO_SUCH_PID + " --json",
        "attach --json " + NO_SUCH_PID + " --timing",
        "attach " + NO_SUCH_PID + " --agent-options x=1,y=2",
        "attach --agent-options=x=1 " + NO_SUCH_PID + " --json",
        "attach 0",
        "attach 0 --json",
        "attach 99999999999999999999",
        "attach SELF",
        "attach SELF --json",
        "attach SLEEP",
        "attach SLEEP --json --timing");
  }

  /** Lines that picocli must read: help, odd shapes and bad input. */
  static Stream<String> linesItLeaves() {
    return Stream.of(
        "attach",
        "attach --help",
        "attach -h 12",
        "attach 12 --help",
        "attach 12 13",
        "attach 12 --json --json",
        "attach 12 --timing --timing",
        "attach 12 --agent-options",
        "attach 12 --agent-options --json",
        "attach 12 --agent-options=",
        "attach 12 --agent-options a=1 --agent-options b=2",
        "attach 12 --agent-options @file",
        "attach @file",
        "attach -- 12",
        "attach 12 --bogus",
        "attach -12",
        "attach abc",
        "attach 1.5",
        "ps",
        "--version");
  }

  @ParameterizedTest
  @MethodSource("linesItTakes")
  void printsAndExitsAsPicocliDoes(String line) {
    String[] args = words(line);
    assertThat(AttachFastPath.parse(args)).isNotNull();
    Run fast = Run.fast(args);
    assertThat(fast).isEqualTo(Run.picocli(args));
    // The line failed for a reason of its own, not because the fast path is broken.
    assertThat(fast.code()).isIn(ExitCode.USAGE, ExitCode.NO_SUCH_PROCESS);
    assertThat(fast.out() + fast.err()).doesNotContain("INTERNAL_ERROR", "this is a bug");
  }

  @ParameterizedTest
  @MethodSource("linesItLeaves")
  void leavesEveryOtherLineToPicocli(String line) {
    String[] args = words(line);
    assertThat(AttachFastPath.parse(args)).isNull();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(AttachFastPath.run(args, print(out), print(out))).isEqualTo(OptionalInt.empty());
    assertThat(out.size()).isZero();
  }

  @Test
  void theProcessEntryTakesTheFastPathForAnAttachLineAndPicocliForTheRest() {
    String[] attach = words("attach " + NO_SUCH_PID + " --json");
    assertThat(Run.main(attach)).isEqualTo(Run.fast(attach));
    String[] help = words("attach --help");
    Run helpRun = Run.main(help);
    assertThat(helpRun).isEqualTo(Run.picocli(help));
    assertThat(helpRun.out()).contains("Usage: jlive attach");
  }

  @Test
  void theComparisonSeesADifferentAnswer() {
    // The control: two attach lines that fail differently compare unequal, so the equality above
    // is not an artefact of comparing empty or constant output.
    assertThat(Run.fast(words("attach 0"))).isNotEqualTo(Run.fast(words("attach " + NO_SUCH_PID)));
    assertThat(Run.fast(words("attach 0 --json"))).isNotEqualTo(Run.fast(words("attach 0")));
  }

  record Run(int code, String out, String err) {
    static Run fast(String[] args) {
      return run(args, (out, err) -> AttachFastPath.run(args, out, err).orElseThrow());
    }

    static Run picocli(String[] args) {
      return run(args, (out, err) -> JLiveCommand.run(args, out, err));
    }

    static Run main(String[] args) {
      return run(args, (out, err) -> Main.run(args, out, err));
    }

    private static Run run(String[] args, Command command) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = command.run(print(out), print(err));
      return new Run(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
  }

  private interface Command {
    int run(PrintStream out, PrintStream err);
  }

  private static String[] words(String line) {
    return Stream.of(line.split(" "))
        .map(word -> word.replace("SELF", Long.toString(ProcessHandle.current().pid())))
        .map(word -> word.replace("SLEEP", Long.toString(notAJvm.pid())))
        .toArray(String[]::new);
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}

package dev.jlive.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.protocol.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrinterTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private Printer printer(boolean json) {
    return new Printer(new PrintWriter(out), new PrintWriter(err), json);
  }

  private static List<String> lines(StringWriter writer) {
    return writer.toString().lines().toList();
  }

  @Test
  void tableAlignsColumnsToTheirWidestCell() {
    printer(false)
        .table(
            List.of("PID", "USER", "MAIN"),
            List.of(List.of("1", "alice", "com.acme.Main"), List.of("123456", "bo", "app.jar")));

    assertThat(lines(out))
        .containsExactly(
            "PID     USER   MAIN", "1       alice  com.acme.Main", "123456  bo     app.jar");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void theLastColumnIsNotPaddedAndNoLineEndsInSpaces() {
    printer(false)
        .table(
            List.of("CLASS", "SOURCE"),
            List.of(
                List.of("com.acme.Cart", ""),
                List.of("X", "a-much-longer-source-than-the-header"),
                List.of("com.acme.Y", "jar")));

    List<String> lines = lines(out);
    assertThat(lines)
        .containsExactly(
            "CLASS          SOURCE",
            "com.acme.Cart",
            "X              a-much-longer-source-than-the-header",
            "com.acme.Y     jar");
    assertThat(lines).noneMatch(line -> line.endsWith(" "));
  }

  @Test
  void controlCharactersInCellsAreShownEscapedSoARowCannotBeForged() {
    printer(false)
        .table(List.of("ID", "BY"), List.of(List.of("p1", "eve\nadmin\u001b[1A\u001b[2K")));
    printer(false).keyValues(List.of(List.of("author", "eve\r\u001b[2Kadmin")));

    assertThat(lines(out))
        .containsExactly(
            "ID  BY", "p1  eve\\nadmin\\u001b[1A\\u001b[2K", "author  eve\\r\\u001b[2Kadmin");
  }

  @Test
  void aTableWithoutRowsPrintsItsHeaders() {
    printer(false).table(List.of("NAME", "STATE"), List.of());

    assertThat(lines(out)).containsExactly("NAME  STATE");
  }

  @Test
  void aHumanErrorGoesToStderrWithItsHint() {
    printer(false)
        .error(
            new CliException(
                ExitCode.NOT_ATTACHED,
                "NOT_ATTACHED",
                "jlive is not loaded in pid 42",
                "run `jlive attach 42` first"));

    assertThat(lines(err))
        .containsExactly(
            "jlive: jlive is not loaded in pid 42", "  hint: run `jlive attach 42` first");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aHumanErrorWithoutHintIsOneLine() {
    printer(false)
        .error(new CliException(ExitCode.USAGE, "USAGE", "give either a PID or --host", null));

    assertThat(lines(err)).containsExactly("jlive: give either a PID or --host");
  }

  @Test
  void aJsonErrorIsOneJsonDocumentOnStdout() {
    printer(true)
        .error(
            new CliException(
                ExitCode.UNREACHABLE,
                "UNREACHABLE",
                "cannot reach 127.0.0.1:1 \"now\"",
                "is the agent running?"));

    Map<String, Object> document = Json.parseObject(out.toString());
    assertThat(document).containsOnlyKeys("error");
    assertThat(document.get("error"))
        .isEqualTo(
            Map.of(
                "code", "UNREACHABLE",
                "message", "cannot reach 127.0.0.1:1 \"now\"",
                "hint", "is the agent running?",
                "exitCode", (long) ExitCode.UNREACHABLE));
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void jsonIsPrettyPrinted() {
    Printer printer = printer(true);
    printer.json(Map.of("pid", 42));

    assertThat(printer.isJson()).isTrue();
    assertThat(lines(out)).containsExactly("{", "  \"pid\": 42", "}");
  }

  @Test
  void notesGoToStderrAndLinesToStdout() {
    Printer printer = printer(false);
    printer.line("answer");
    printer.note("for humans");

    assertThat(lines(out)).containsExactly("answer");
    assertThat(lines(err)).containsExactly("for humans");
  }
}

package dev.jlive.cli.output;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.Printable;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Where a command's answer goes: a human table on stdout, or with {@code --json} one JSON document
 * on stdout (errors included, so scripts read one format).
 */
public final class Printer {
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean json;

  public Printer(PrintWriter out, PrintWriter err, boolean json) {
    this.out = out;
    this.err = err;
    this.json = json;
  }

  /** The printer for a parsed command: {@code --json} anywhere on its line switches to JSON. */
  public static Printer of(CommandLine command) {
    CommandLine.ParseResult parsed = command.getParseResult();
    boolean json = parsed != null && parsed.hasMatchedOption("--json");
    return new Printer(command.getOut(), command.getErr(), json);
  }

  public boolean isJson() {
    return json;
  }

  public void json(Object value) {
    out.println(Json.writePretty(value));
    out.flush();
  }

  public void line(String text) {
    out.println(text);
    out.flush();
  }

  /** A note for humans; never mixed into JSON output. */
  public void note(String text) {
    err.println(text);
    err.flush();
  }

  public void error(CliException e) {
    if (json) {
      json(e.toJson());
      return;
    }
    err.println("jlive: " + e.getMessage());
    if (!e.hint().isEmpty()) {
      err.println("  hint: " + e.hint());
    }
    err.flush();
  }

  /**
   * Prints what a command threw and returns its exit code: a {@link CliException} as it says, any
   * other exception as a bug of jlive.
   */
  public int failure(Exception exception) {
    if (exception instanceof CliException e) {
      error(e);
      return e.exitCode();
    }
    error(
        new CliException(
            ExitCode.ERROR,
            "INTERNAL_ERROR",
            String.valueOf(exception),
            "this is a bug in jlive; please report it with the command line",
            exception));
    return ExitCode.ERROR;
  }

  /**
   * Prints an agent's answer: with {@code --json} as it is, else the list under {@code key} as a
   * table of the given fields (a missing field is an empty cell), or {@code empty} when the list
   * is.
   */
  @SuppressWarnings("unchecked")
  public void records(
      Map<String, Object> answer,
      String key,
      List<String> headers,
      List<String> fields,
      String empty) {
    if (json) {
      json(answer);
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (Map<String, Object> record : (List<Map<String, Object>>) answer.get(key)) {
      List<String> row = new ArrayList<>();
      fields.forEach(
          field -> row.add(record.get(field) == null ? "" : String.valueOf(record.get(field))));
      rows.add(row);
    }
    if (rows.isEmpty()) {
      line(empty);
    } else {
      table(headers, rows);
    }
  }

  /** Prints label/value pairs, the values aligned; control characters are shown escaped. */
  public void keyValues(List<List<String>> pairs) {
    int width =
        pairs.stream().mapToInt(pair -> Printable.escape(pair.get(0)).length()).max().orElse(0);
    for (List<String> pair : pairs) {
      out.println(
          String.format(
                  "%-" + width + "s  %s",
                  Printable.escape(pair.get(0)),
                  Printable.escape(pair.get(1)))
              .stripTrailing());
    }
    out.flush();
  }

  /**
   * Prints rows under headers, each column as wide as its widest cell; the last column is not
   * padded. Cells come from agents and controllers, so control characters are shown escaped: a user
   * name with a line feed or an ANSI escape cannot forge a row or rewrite the terminal.
   */
  public void table(List<String> headers, List<List<String>> rows) {
    List<List<String>> all = new ArrayList<>();
    all.add(headers);
    for (List<String> row : rows) {
      all.add(row.stream().map(cell -> cell == null ? "" : Printable.escape(cell)).toList());
    }
    int[] widths = new int[headers.size()];
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        line.append(i == row.size() - 1 ? cell : String.format("%-" + widths[i] + "s  ", cell));
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }
}

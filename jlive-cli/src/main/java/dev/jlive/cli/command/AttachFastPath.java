package dev.jlive.cli.command;

import dev.jlive.cli.attach.Attacher;
import dev.jlive.cli.client.Notes;
import dev.jlive.cli.client.Targets;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.JsonObject;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.OptionalInt;

/**
 * {@code jlive attach PID [--json] [--timing] [--agent-options K=V,...]} run without picocli.
 *
 * <p>Issue 16 wants {@code jlive attach} to a busy JVM within 1 s, and most of that second was the
 * CLI's own start. picocli's first use in a fresh JVM costs a few hundred ms of CPU: its classes
 * come from the jar on every run (their class files are too old for the dynamic CDS archive), and
 * it reads the command's annotations by reflection (docs/BENCHMARKS.md, section 35). This reads
 * only the plain shapes of an attach line. Anything else (help, an unknown or repeated option, an
 * option's value that looks like an option, an {@code @file}, {@code --}, a PID that is not all
 * digits) is left to picocli, so its errors and help stay the only ones; {@code AttachFastPathTest}
 * runs lines both ways and compares output and exit code. {@link AttachCommand} prints through the
 * same {@link #attach} method.
 */
public final class AttachFastPath {
  private static final String AGENT_OPTIONS = "--agent-options";

  private String pid;
  private String agentOptions;
  private boolean json;
  private boolean timing;

  private AttachFastPath() {}

  /**
   * Runs {@code args} if it is a plain attach line and returns its exit code; empty if picocli must
   * read it.
   */
  public static OptionalInt run(String[] args, PrintStream out, PrintStream err) {
    AttachFastPath line = parse(args);
    if (line == null) {
      return OptionalInt.empty();
    }
    Printer printer =
        new Printer(new PrintWriter(out, true), new PrintWriter(err, true), line.json);
    return OptionalInt.of(
        Notes.to(
            err,
            () -> {
              try {
                return attach(line.pid, line.agentOptions, line.timing, printer);
              } catch (RuntimeException e) {
                // What picocli's execution handler (JLiveCommand.run) does with it.
                return printer.failure(e);
              }
            }));
  }

  /** The attach line {@code args} is, or null when it is anything else. */
  static AttachFastPath parse(String[] args) {
    if (args.length < 2 || !args[0].equals("attach")) {
      return null;
    }
    AttachFastPath line = new AttachFastPath();
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      boolean read;
      if (arg.equals("--json")) {
        read = !line.json;
        line.json = true;
      } else if (arg.equals("--timing")) {
        read = !line.timing;
        line.timing = true;
      } else if (arg.equals(AGENT_OPTIONS)) {
        i++;
        read = i < args.length && line.takeAgentOptions(args[i]);
      } else if (arg.startsWith(AGENT_OPTIONS + "=")) {
        read = line.takeAgentOptions(arg.substring(AGENT_OPTIONS.length() + 1));
      } else {
        read = line.pid == null && isDigits(arg);
        line.pid = arg;
      }
      if (!read) {
        return null;
      }
    }
    return line.pid == null ? null : line;
  }

  private boolean takeAgentOptions(String value) {
    if (agentOptions != null || value.isEmpty() || value.startsWith("-") || value.startsWith("@")) {
      return false;
    }
    agentOptions = value;
    return true;
  }

  private static boolean isDigits(String text) {
    if (text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Attaches and prints the answer; both the fast path and {@link AttachCommand} end here. */
  static int attach(String pid, String agentOptions, boolean timing, Printer printer) {
    Attacher.Result result = Attacher.attach(Targets.parsePid(pid), agentOptions);
    if (timing) {
      printer.note(result.phases());
    }
    if (printer.isJson()) {
      printer.json(
          JsonObject.create()
              .put("pid", result.pid())
              .put("alreadyAttached", result.alreadyAttached())
              .put("endpoint", result.discovery().host() + ":" + result.discovery().port())
              .put("agentVersion", result.discovery().agentVersion())
              .put("notes", result.notes())
              .toMap());
      return 0;
    }
    String where = result.discovery().host() + ":" + result.discovery().port();
    printer.line(
        result.alreadyAttached()
            ? "jlive "
                + result.discovery().agentVersion()
                + " is already loaded in pid "
                + result.pid()
                + " (endpoint "
                + where
                + ")"
            : "attached jlive "
                + result.discovery().agentVersion()
                + " to pid "
                + result.pid()
                + " (endpoint "
                + where
                + ")");
    result.notes().forEach(note -> printer.note("note: " + note));
    return 0;
  }
}

package dev.jlive.cli;

import dev.jlive.cli.command.AttachFastPath;
import java.io.PrintStream;
import java.util.OptionalInt;

/** {@code java -jar jlive.jar ...}: the {@code jlive} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs one command line as the {@code jlive} process does: a plain {@code jlive attach PID}
   * without picocli's start-up ({@link AttachFastPath} says why), anything else through {@link
   * JLiveCommand}.
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    OptionalInt attached = AttachFastPath.run(args, out, err);
    return attached.isPresent() ? attached.getAsInt() : JLiveCommand.run(args, out, err);
  }
}

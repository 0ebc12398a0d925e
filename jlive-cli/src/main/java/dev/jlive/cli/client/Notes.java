package dev.jlive.cli.client;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Where notes for humans go that come up below the commands (a stale discovery file removed): the
 * stderr of the command line being run, or the process's own when none is set.
 */
public final class Notes {
  private static final ThreadLocal<PrintStream> ERR = new ThreadLocal<>();

  private Notes() {}

  /** Runs {@code command} with notes going to {@code err}. */
  public static <T> T to(PrintStream err, Supplier<T> command) {
    PrintStream before = ERR.get();
    ERR.set(err);
    try {
      return command.get();
    } finally {
      ERR.set(before);
    }
  }

  public static void note(String text) {
    PrintStream err = ERR.get();
    (err == null ? System.err : err).println(text);
  }
}

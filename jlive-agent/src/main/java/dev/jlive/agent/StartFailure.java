package dev.jlive.agent;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.jlive.protocol.JLiveException;

/**
 * Why the agent did not start, left as {@code <runtime dir>/<pid>.error} for the attaching tool,
 * which has no other way to learn it without the agent writing to the application's output.
 */
final class StartFailure {
  private StartFailure() {}

  static Path fileFor(Path runtimeDir) {
    return runtimeDir.resolve(ProcessHandle.current().pid() + ".error");
  }

  static void clear(Path runtimeDir) throws IOException {
    Files.deleteIfExists(fileFor(runtimeDir));
  }

  static void record(Path runtimeDir, Throwable failure) {
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    try {
      Files.writeString(fileFor(runtimeDir), describe(failure) + System.lineSeparator() + System.lineSeparator() + trace,
          StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      // The runtime directory is unusable; the attaching tool will report a start-up time-out.
    }
  }

  /** First line of the file: the message and, for jlive's own errors, what to do about it. */
  static String describe(Throwable failure) {
    if (failure instanceof JLiveException e) {
      return e.getMessage() + (e.hint().isEmpty() ? "" : " (" + e.hint() + ")");
    }
    return failure.toString();
  }
}

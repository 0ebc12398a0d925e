package dev.jlive.agent;

import dev.jlive.protocol.FileTrust;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.UntrustedFileException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
      // Never into a folder another user could have made, nor through a link planted there.
      FileTrust.checkDirectory(runtimeDir, FileTrust.currentUser());
      FileTrust.writeAtomically(
          fileFor(runtimeDir),
          (describe(failure) + System.lineSeparator() + System.lineSeparator() + trace)
              .getBytes(StandardCharsets.UTF_8),
          "rw-------");
    } catch (IOException | RuntimeException e) {
      // The runtime directory is unusable or untrusted; the attaching tool says so from its own
      // checks.
    }
  }

  /** First line of the file: the message and, for jlive's own errors, what to do about it. */
  static String describe(Throwable failure) {
    if (failure instanceof JLiveException e) {
      return e.getMessage() + (e.hint().isEmpty() ? "" : " (" + e.hint() + ")");
    }
    if (failure instanceof UntrustedFileException e) {
      return e.getMessage();
    }
    return failure.toString();
  }
}

package dev.jlive.cli;

import dev.jlive.cli.command.AttachFastPath;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the commands most sessions start with, against nothing, so that the build can record the
 * classes they load in a class-data-sharing archive ({@code -XX:ArchiveClassesAtExit}, see the
 * CLI's pom). {@code bin/jlive} maps that archive in, and each command then starts with those
 * classes already parsed and verified. What the commands print and how they fail does not matter:
 * only which classes they load.
 */
public final class StartupTraining {
  private static final String[] ATTACH_CLASSES = {
    "com.sun.tools.attach.VirtualMachine",
    "sun.tools.attach.HotSpotAttachProvider",
    "sun.tools.attach.AttachProviderImpl",
    "sun.tools.attach.HotSpotVirtualMachine",
    "sun.tools.attach.VirtualMachineImpl",
    "dev.jlive.cli.attach.ListenerWatch",
    "dev.jlive.cli.attach.ListenerWatch$Poll",
  };

  /** Above Linux's largest pid (2^22), so no process has it. */
  private static final String NO_SUCH_PID = "999999999";

  private StartupTraining() {}

  public static void main(String[] args) throws IOException {
    Path token = Files.createTempFile("jlive-training", ".token");
    try {
      Files.writeString(token, "training-token-not-used-anywhere\n");
      String file = token.toString();
      String[][] commands = {
        {"--version"},
        {"help"}, // the whole command tree: the others build only the command they name
        {"probe", "add", "--help"},
        {"patch", "--help"},
        {"ps"},
        {"attach", "--help"},
        // Refused connections: the HTTP client, JSON and error paths load as they do for real.
        {"info", "--host", "127.0.0.1", "--port", "1", "--token-file", file},
        {"probe", "list", "--host", "127.0.0.1", "--port", "1", "--token-file", file},
        {"services", "--controller", "http://127.0.0.1:1", "--controller-token-file", file},
      };
      PrintStream nowhere =
          new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
      for (String[] command : commands) {
        JLiveCommand.run(command, nowhere, nowhere);
      }
      // `jlive attach PID` skips picocli (AttachFastPath): its own path, up to "no such process".
      AttachFastPath.run(new String[] {"attach", NO_SUCH_PID, "--timing"}, nowhere, nowhere);
      AttachFastPath.run(new String[] {"attach", NO_SUCH_PID, "--json"}, nowhere, nowhere);
      // What `jlive attach` loads from the JDK's attach module, without attaching to anything.
      for (String name : ATTACH_CLASSES) {
        try {
          Class.forName(name);
        } catch (ClassNotFoundException notInThisJdk) {
          // Another JDK's layout: the archive holds the rest.
        }
      }
    } finally {
      Files.deleteIfExists(token);
    }
  }
}

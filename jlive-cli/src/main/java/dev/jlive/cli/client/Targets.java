package dev.jlive.cli.client;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.attach.LocalJvm;
import dev.jlive.protocol.Discovery;
import dev.jlive.protocol.RuntimeDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Turns what the user typed (a pid, or --host/--port/--token-file) into an agent endpoint. */
public final class Targets {
  private Targets() {}

  /** The endpoint of the agent the command is aimed at; fails with a specific error if there is none. */
  public static Endpoint resolve(TargetOptions remote, String pidText) {
    if (remote != null && remote.isRemote()) {
      if (pidText != null) {
        throw new CliException(ExitCode.USAGE, "USAGE", "give either a PID or --host/--port/--token-file, not both", "");
      }
      return remote(remote);
    }
    if (pidText == null) {
      throw new CliException(ExitCode.USAGE, "USAGE", "name the JVM: a PID (see `jlive ps`), or --host, --port and --token-file", "");
    }
    long pid = parsePid(pidText);
    LocalJvm jvm = requireJvm(pid);
    Discovery discovery = discover(pid, jvm.user()).orElseThrow(() -> new CliException(ExitCode.NOT_ATTACHED, "NOT_ATTACHED",
        "jlive is not loaded in pid " + pid, "run `jlive attach " + pid + "` first"));
    return new Endpoint(discovery.host(), discovery.port(), discovery.token(), pid);
  }

  public static long parsePid(String text) {
    try {
      long pid = Long.parseLong(text.trim());
      if (pid > 0) {
        return pid;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CliException(ExitCode.USAGE, "USAGE", "'" + text + "' is not a process id", "give the number `jlive ps` shows in the PID column");
  }

  /** The facts of a running JVM; fails if the pid runs nothing or something other than a JVM. */
  public static LocalJvm requireJvm(long pid) {
    LocalJvm jvm = LocalJvm.of(pid).orElseThrow(() -> new CliException(ExitCode.NO_SUCH_PROCESS, "NO_SUCH_PROCESS",
        "no process with pid " + pid + " is running", "`jlive ps` lists the running JVMs"));
    if (!jvm.isJvm()) {
      throw new CliException(ExitCode.NO_SUCH_PROCESS, "NOT_A_JVM", "pid " + pid + " (" + String.join(" ", jvm.commandLine())
          + ") is not a Java virtual machine", "`jlive ps` lists the running JVMs");
    }
    return jvm;
  }

  /** The discovery file of a pid: in our runtime directory, or in the one of the user the JVM runs as. */
  public static Optional<Discovery> discover(long pid, String owner) {
    for (Path dir : runtimeDirs(owner)) {
      try {
        Optional<Discovery> found = Discovery.read(dir, pid);
        if (found.isPresent()) {
          return found;
        }
      } catch (IOException e) {
        throw new CliException(ExitCode.ERROR, "BAD_DISCOVERY_FILE", e.getMessage(), "");
      }
    }
    return Optional.empty();
  }

  public static List<Path> runtimeDirs(String owner) {
    List<Path> dirs = new ArrayList<>();
    dirs.add(RuntimeDirectory.resolve());
    if (owner != null && !owner.equals("?")) {
      Path ownersDir = Paths.get(System.getProperty("java.io.tmpdir"), "jlive-" + owner);
      if (!dirs.contains(ownersDir)) {
        dirs.add(ownersDir);
      }
    }
    return dirs;
  }

  private static Endpoint remote(TargetOptions remote) {
    if (remote.host == null || remote.port == null || remote.tokenFile == null) {
      throw new CliException(ExitCode.USAGE, "USAGE", "a remote agent needs all of --host, --port and --token-file", "");
    }
    try {
      String token = Files.readString(remote.tokenFile, StandardCharsets.UTF_8).trim();
      if (token.isEmpty()) {
        throw new CliException(ExitCode.USAGE, "USAGE", "token file " + remote.tokenFile + " is empty",
            "put the token from the agent's discovery file in it");
      }
      return new Endpoint(remote.host, remote.port, token, -1);
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "USAGE", "cannot read token file " + remote.tokenFile + ": " + e.getMessage(),
          "check the path and that your user may read it");
    }
  }
}

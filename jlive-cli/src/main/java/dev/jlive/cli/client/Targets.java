package dev.jlive.cli.client;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.attach.LocalJvm;
import dev.jlive.protocol.Discovery;
import dev.jlive.protocol.FileTrust;
import dev.jlive.protocol.RuntimeDirectory;
import dev.jlive.protocol.UntrustedFileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns what the user typed (a pid, or --host/--port/--token-file) into an agent endpoint. */
public final class Targets {
  private Targets() {}

  /**
   * The endpoint of the agent the command is aimed at; fails with a specific error if there is
   * none.
   */
  public static Endpoint resolve(TargetOptions remote, String pidText) {
    if (remote != null && remote.isRemote()) {
      if (pidText != null) {
        throw new CliException(
            ExitCode.USAGE,
            "USAGE",
            "give either a PID or --host/--port/--token-file, not both",
            "");
      }
      return remote(remote);
    }
    if (pidText == null) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "name the JVM: a PID (see `jlive ps`), or --host, --port and --token-file",
          "");
    }
    long pid = parsePid(pidText);
    LocalJvm jvm = requireJvm(pid);
    Discovery discovery =
        discover(jvm)
            .orElseThrow(
                () ->
                    new CliException(
                        ExitCode.NOT_ATTACHED,
                        "NOT_ATTACHED",
                        "jlive is not loaded in pid " + pid,
                        "run `jlive attach " + pid + "` first"));
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
    throw new CliException(
        ExitCode.USAGE,
        "USAGE",
        "'" + text + "' is not a process id",
        "give the number `jlive ps` shows in the PID column");
  }

  /** The facts of a running JVM; fails if the pid runs nothing or something other than a JVM. */
  public static LocalJvm requireJvm(long pid) {
    LocalJvm jvm =
        LocalJvm.of(pid)
            .orElseThrow(
                () ->
                    new CliException(
                        ExitCode.NO_SUCH_PROCESS,
                        "NO_SUCH_PROCESS",
                        "no process with pid " + pid + " is running",
                        "`jlive ps` lists the running JVMs"));
    if (!jvm.isJvm()) {
      throw new CliException(
          ExitCode.NO_SUCH_PROCESS,
          "NOT_A_JVM",
          "pid "
              + pid
              + " ("
              + String.join(" ", jvm.commandLine())
              + ") is not a Java virtual machine",
          "`jlive ps` lists the running JVMs");
    }
    return jvm;
  }

  /**
   * The agent of a local pid, as {@link #discover(LocalJvm)} finds it; empty when the pid runs
   * nothing.
   */
  public static Optional<Discovery> discover(long pid) {
    return LocalJvm.of(pid).flatMap(Targets::discover);
  }

  /**
   * The discovery file of a running JVM. Only a file its own user's agent wrote counts: it is
   * looked for in that user's runtime directories, and the folder and file must be owned by that
   * user and private (see {@link Discovery#read(Path, long, UserPrincipal)}); anything else is
   * refused rather than skipped, since it means someone tried to stand in for the agent. A file
   * left by a process that died without its shutdown hooks (or whose pid was reused) is removed,
   * with a note on stderr.
   */
  public static Optional<Discovery> discover(LocalJvm jvm) {
    UserPrincipal owner = ownerOf(jvm);
    for (Path dir : runtimeDirs(jvm.user(), owner)) {
      try {
        Optional<Discovery> found = Discovery.read(dir, jvm.pid(), owner);
        if (found.isPresent() && !removedIfStale(dir, found.get())) {
          return found;
        }
      } catch (UntrustedFileException e) {
        throw untrusted(e);
      } catch (IOException e) {
        throw new CliException(ExitCode.ERROR, "BAD_DISCOVERY_FILE", e.getMessage(), "");
      }
    }
    return Optional.empty();
  }

  /**
   * Removes the discovery files of processes that are gone from the runtime directories of the
   * given users, each checked to be that user's own first; a folder that fails the check is left
   * alone, with a note.
   */
  public static void removeStaleFiles(Map<String, UserPrincipal> owners) {
    for (Map.Entry<String, UserPrincipal> owner : owners.entrySet()) {
      for (Path dir : runtimeDirs(owner.getKey(), owner.getValue())) {
        try {
          if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            continue;
          }
          FileTrust.checkDirectory(dir, owner.getValue());
          try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "[0-9]*.json")) {
            for (Path file : files) {
              removeStaleFile(dir, file, owner.getValue());
            }
          }
        } catch (UntrustedFileException e) {
          Notes.note("jlive: skipped " + dir + ": " + e.getMessage());
        } catch (IOException e) {
          Notes.note(
              "jlive: could not look for stale discovery files in " + dir + ": " + e.getMessage());
        }
      }
    }
  }

  private static void removeStaleFile(Path dir, Path file, UserPrincipal owner) {
    String name = file.getFileName().toString();
    long pid;
    try {
      pid = Long.parseLong(name.substring(0, name.length() - ".json".length()));
    } catch (NumberFormatException notADiscoveryFile) {
      return;
    }
    try {
      Optional<Discovery> found = Discovery.read(dir, pid, owner);
      if (found.isPresent()) {
        removedIfStale(dir, found.get());
      }
    } catch (IOException e) {
      Notes.note("jlive: skipped " + file + ": " + e.getMessage());
    }
  }

  private static boolean removedIfStale(Path dir, Discovery discovery) {
    Optional<String> why = discovery.whyStale();
    if (why.isEmpty()) {
      return false;
    }
    Path file = Discovery.fileFor(dir, discovery.pid());
    try {
      Files.deleteIfExists(file);
      Notes.note(
          "jlive: removed stale discovery file "
              + file
              + ": "
              + why.get()
              + " (the JVM ended without its shutdown hooks, e.g. kill -9 or an OutOfMemoryError)");
    } catch (IOException e) {
      Notes.note(
          "jlive: stale discovery file "
              + file
              + " ("
              + why.get()
              + ") could not be removed: "
              + e.getMessage());
    }
    return true;
  }

  /** The user a JVM runs as, the only one whose files may speak for it. */
  public static UserPrincipal ownerOf(LocalJvm jvm) {
    try {
      return FileTrust.ownerOfProcess(jvm.pid());
    } catch (IOException e) {
      throw new CliException(
          ExitCode.NO_SUCH_PROCESS,
          "NO_SUCH_PROCESS",
          "cannot tell which user runs pid " + jvm.pid() + ": " + e.getMessage(),
          "`jlive ps` lists the running JVMs");
    }
  }

  /**
   * Where an agent of the user {@code ownerName} leaves its files: ours ({@code $JLIVE_RUNTIME_DIR}
   * or the default) when the JVM is our own user's, else that user's default one. Our own folder is
   * never searched for another user's JVM: that user's agent cannot write there.
   */
  public static List<Path> runtimeDirs(String ownerName, UserPrincipal owner) {
    List<Path> dirs = new ArrayList<>();
    if (owner.equals(me())) {
      dirs.add(RuntimeDirectory.resolve());
    }
    if (ownerName != null && !ownerName.equals("?")) {
      Path ownersDir = Paths.get(System.getProperty("java.io.tmpdir"), "jlive-" + ownerName);
      if (!dirs.contains(ownersDir)) {
        dirs.add(ownersDir);
      }
    }
    return dirs;
  }

  private static UserPrincipal me() {
    try {
      return FileTrust.currentUser();
    } catch (IOException e) {
      throw new CliException(
          ExitCode.ERROR,
          "IO_ERROR",
          "cannot tell which user jlive runs as: " + e.getMessage(),
          "");
    }
  }

  /** A refused runtime directory or file, as the CLI reports it. */
  public static CliException untrusted(UntrustedFileException e) {
    return new CliException(ExitCode.ERROR, "UNTRUSTED_RUNTIME_DIR", e.what(), e.hint(), e);
  }

  private static Endpoint remote(TargetOptions remote) {
    if (remote.host == null || remote.port == null || remote.tokenFile == null) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "a remote agent needs all of --host, --port and --token-file",
          "");
    }
    try {
      String token = Files.readString(remote.tokenFile, StandardCharsets.UTF_8).trim();
      if (token.isEmpty()) {
        throw new CliException(
            ExitCode.USAGE,
            "USAGE",
            "token file " + remote.tokenFile + " is empty",
            "put the token from the agent's discovery file in it");
      }
      return new Endpoint(remote.host, remote.port, token, -1);
    } catch (IOException e) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "cannot read token file " + remote.tokenFile + ": " + e.getMessage(),
          "check the path and that your user may read it");
    }
  }
}

package dev.jlive.cli.attach;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Facts about a local process, read from {@code /proc} without attaching to it: whether it is a
 * JVM, whose it is, its Java version and the flags it was started with.
 */
public record LocalJvm(
    long pid, String user, List<String> commandLine, String javaVersion, boolean isJvm) {
  /** Launcher options whose value is the next argument (the java launcher's own list). */
  private static final Set<String> OPTIONS_WITH_ARGUMENT =
      Set.of(
          "-cp",
          "-classpath",
          "--class-path",
          "-p",
          "--module-path",
          "--upgrade-module-path",
          "--add-modules",
          "--add-opens",
          "--add-exports",
          "--add-reads",
          "--patch-module",
          "--limit-modules",
          "--enable-native-access",
          "--source");

  /** Reads the facts of a running process, or empty when there is no such process. */
  public static Optional<LocalJvm> of(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return Optional.empty();
    }
    String user = handle.get().info().user().orElse("?");
    Path proc = Paths.get("/proc", Long.toString(pid));
    List<String> commandLine = readNulSeparated(proc.resolve("cmdline"));
    return Optional.of(
        new LocalJvm(pid, user, commandLine, javaVersion(proc), isJvm(proc, commandLine)));
  }

  /**
   * The JVM flags in effect from the command line and the environment variables the launcher reads.
   */
  public boolean hasFlag(String flag) {
    if (commandLine.contains(flag)) {
      return true;
    }
    Path environ = Paths.get("/proc", Long.toString(pid), "environ");
    for (String variable : readNulSeparated(environ)) {
      if ((variable.startsWith("JAVA_TOOL_OPTIONS=") || variable.startsWith("JDK_JAVA_OPTIONS="))
          && Arrays.asList(variable.substring(variable.indexOf('=') + 1).split("\\s+"))
              .contains(flag)) {
        return true;
      }
    }
    return false;
  }

  /** The feature release (17, 21, 25), or 0 when unknown. */
  public int featureVersion() {
    String version = javaVersion.startsWith("1.") ? javaVersion.substring(2) : javaVersion;
    int end = 0;
    while (end < version.length() && Character.isDigit(version.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(version.substring(0, end));
  }

  /** The main class or jar, as far as the command line shows it. */
  public String mainClass() {
    for (int i = 1; i < commandLine.size(); i++) {
      String arg = commandLine.get(i);
      if (arg.equals("-jar") && i + 1 < commandLine.size()) {
        return commandLine.get(i + 1);
      }
      if (OPTIONS_WITH_ARGUMENT.contains(arg)) {
        i++;
      } else if (arg.equals("-m") || arg.equals("--module")) {
        return i + 1 < commandLine.size() ? commandLine.get(i + 1) : "?";
      } else if (!arg.startsWith("-")) {
        return arg;
      }
    }
    return "?";
  }

  private static boolean isJvm(Path proc, List<String> commandLine) {
    try {
      for (String line : Files.readAllLines(proc.resolve("maps"), StandardCharsets.ISO_8859_1)) {
        if (line.endsWith("/libjvm.so")) {
          return true;
        }
      }
      return false;
    } catch (IOException | SecurityException e) {
      // Another user's process: judge by the command.
      return !commandLine.isEmpty() && commandLine.get(0).endsWith("java");
    }
  }

  private static String javaVersion(Path proc) {
    try {
      Path executable = Files.readSymbolicLink(proc.resolve("exe"));
      Path release = executable.getParent().getParent().resolve("release");
      for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
        if (line.startsWith("JAVA_VERSION=")) {
          return line.substring("JAVA_VERSION=".length()).replace("\"", "");
        }
      }
    } catch (IOException | SecurityException | NullPointerException e) {
      // Unknown: not every runtime has a release file, and another user's exe link is unreadable.
    }
    return "?";
  }

  private static List<String> readNulSeparated(Path file) {
    try {
      String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
      return Arrays.stream(text.split("\0")).filter(part -> !part.isEmpty()).toList();
    } catch (IOException | SecurityException e) {
      return List.of();
    }
  }
}

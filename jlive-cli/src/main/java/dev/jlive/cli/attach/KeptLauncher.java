package dev.jlive.cli.attach;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Finds the jlive agent jar whose launcher a JVM keeps: its application class loader holds every
 * jar ever appended to it open, the first jlive jar included, and resolves the launcher class from
 * that one for every later attach. Launchers before the {@code agentJar=} option open that first
 * jar for the core and refuse another build's; the JVM tells the attaching tool only "agent failed
 * to initialize" (the reason goes to its stderr), so this looks at what it has open instead.
 */
final class KeptLauncher {
  static final String LAUNCHER_CLASS = "dev.jlive.agent.launcher.AgentLauncher";

  private KeptLauncher() {}

  /**
   * A jlive agent jar other than {@code loaded} that {@code pid} has open, as its path (with "
   * (deleted)" if it is gone), or empty if there is none or {@code /proc} does not tell.
   */
  static Optional<String> otherThan(long pid, Path loaded) {
    Path fds = Paths.get("/proc", Long.toString(pid), "fd");
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(fds)) {
      for (Path fd : entries) {
        String target = linkTarget(fd);
        if (target == null || !target.replace(" (deleted)", "").endsWith(".jar")) {
          continue;
        }
        if (target.equals(realPath(loaded))) {
          continue;
        }
        if (isJliveAgent(fd)) {
          return Optional.of(target);
        }
      }
    } catch (IOException | SecurityException e) {
      // Not our process to look into, or it went: nothing known.
    }
    return Optional.empty();
  }

  /** As {@code /proc} shows it: symbolic links resolved. */
  private static String realPath(Path file) {
    try {
      return file.toRealPath().toString();
    } catch (IOException e) {
      return file.toAbsolutePath().toString();
    }
  }

  private static String linkTarget(Path fd) {
    try {
      return Files.readSymbolicLink(fd).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  /** Read through the descriptor's link, which opens the file even after it was deleted. */
  private static boolean isJliveAgent(Path fd) {
    try (JarFile jar = new JarFile(fd.toFile())) {
      Manifest manifest = jar.getManifest();
      return manifest != null
          && LAUNCHER_CLASS.equals(manifest.getMainAttributes().getValue("Agent-Class"));
    } catch (IOException | SecurityException e) {
      return false;
    }
  }
}

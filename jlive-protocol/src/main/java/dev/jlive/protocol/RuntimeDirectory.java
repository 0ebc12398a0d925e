package dev.jlive.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Where agents leave their discovery files, one per pid, the way the JDK's attach mechanism
 * finds a JVM: {@code $JLIVE_RUNTIME_DIR}, else {@code <java.io.tmpdir>/jlive-<user>}. The
 * folder is made readable by its owner only, since the files in it hold tokens.
 */
public final class RuntimeDirectory {
  public static final String ENV = "JLIVE_RUNTIME_DIR";
  public static final String PROPERTY = "jlive.runtimeDir";

  private RuntimeDirectory() {}

  public static Path resolve() {
    return resolve(System.getenv(), System.getProperty(PROPERTY));
  }

  static Path resolve(Map<String, String> env, String property) {
    if (property != null && !property.isBlank()) {
      return Paths.get(property);
    }
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Paths.get(fromEnv);
    }
    return Paths.get(System.getProperty("java.io.tmpdir"), "jlive-" + System.getProperty("user.name"));
  }

  /** Creates the folder with mode 0700 if needed and returns it. */
  public static Path ensure(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
    }
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system (Windows): the user's temp folder is private already.
    }
    return dir;
  }
}

package dev.jlive.protocol;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/**
 * Where agents leave their discovery files, one per pid, the way the JDK's attach mechanism finds a
 * JVM: {@code $JLIVE_RUNTIME_DIR}, else {@code <java.io.tmpdir>/jlive-<user>}. The folder is made
 * readable by its owner only, since the files in it hold tokens, and a folder that someone else
 * made first is refused (see {@link FileTrust}).
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
    return Paths.get(
        System.getProperty("java.io.tmpdir"), "jlive-" + System.getProperty("user.name"));
  }

  /**
   * Creates the folder with mode 0700 if needed and returns it, or refuses it when another user
   * could have made it or could change what is in it: owned by someone else, writable by others, a
   * symbolic link, or inside a folder others may write to. A folder of ours that others may only
   * read is narrowed to 0700, since nobody else can have put anything in it.
   */
  public static Path ensure(Path dir) throws IOException {
    return FileTrust.ensurePrivateDirectory(dir, FileTrust.Place.runtimeDirectory(dir));
  }
}

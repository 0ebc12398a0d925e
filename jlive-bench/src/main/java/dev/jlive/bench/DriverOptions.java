package dev.jlive.bench;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --key value} options of the drivers, with the built jars found beside this one by default.
 */
public final class DriverOptions {
  private final Map<String, String> values = new HashMap<>();

  private DriverOptions() {}

  public static DriverOptions parse(String[] args, Set<String> keys, String usage) {
    DriverOptions options = new DriverOptions();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        System.out.println(usage);
        System.exit(0);
      }
      String key = arg.startsWith("--") ? arg.substring(2) : null;
      if (key == null || !keys.contains(key) || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            (key != null && keys.contains(key) ? "missing value for " : "unknown option ")
                + arg
                + "\n"
                + usage);
      }
      options.values.put(key, args[++i]);
    }
    return options;
  }

  /** A copy with {@code key} set to {@code value}: a driver that runs a part of itself again. */
  public DriverOptions with(String key, String value) {
    DriverOptions copy = new DriverOptions();
    copy.values.putAll(values);
    copy.values.put(key, value);
    return copy;
  }

  public int integer(String key, int fallback) {
    String value = values.get(key);
    try {
      int parsed = value == null ? fallback : Integer.parseInt(value);
      if (parsed < 1) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--" + key + " must be a positive whole number, not '" + value + "'");
    }
  }

  public String string(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  /**
   * A built jar: the option's value, else {@code <project root>/<module>/target/<jar>} with the
   * project root two folders above this jar ({@code jlive-bench/target/jlive-bench.jar}).
   */
  public Path jar(String key, String module, String jar) {
    Path path =
        values.containsKey(key)
            ? Paths.get(values.get(key))
            : projectRoot().resolve(module).resolve("target").resolve(jar);
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(
          path
              + " does not exist; build it (mvn -B -q install -DskipTests) or pass --"
              + key
              + " PATH");
    }
    return path.toAbsolutePath();
  }

  /**
   * A file of the project: the option's value, else {@code <project root>/<relative>}, the project
   * root found as for {@link #jar}.
   */
  public Path file(String key, String relative) {
    Path path =
        values.containsKey(key) ? Paths.get(values.get(key)) : projectRoot().resolve(relative);
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(path + " does not exist; pass --" + key + " PATH");
    }
    return path.toAbsolutePath();
  }

  /** The jar (or classes folder) this driver runs from. */
  public static Path benchJar() {
    try {
      return Paths.get(
              DriverOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toAbsolutePath();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(
          "cannot tell where jlive-bench runs from: " + e.getMessage(), e);
    }
  }

  private static Path projectRoot() {
    Path target = benchJar().getParent();
    return target.getParent().getParent();
  }
}

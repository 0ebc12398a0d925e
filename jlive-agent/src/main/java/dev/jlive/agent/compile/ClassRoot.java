package dev.jlive.agent.compile;

import java.io.IOException;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One place on a class path: a directory, a jar file, or a jar only reachable through a {@code
 * jar:} URL. It answers which classes a package has there; their bytes are read through the class
 * loader, not from here, so the loader's own view of a class wins.
 */
sealed interface ClassRoot {
  /** A class file found in a root. */
  record Entry(String packageName, String fileName, String origin) {}

  /**
   * Identifies the root, so a root reached twice is listed once; also how it is named in messages.
   */
  String key();

  /** The package names this root has classes in, for recursive listings. */
  List<String> packages() throws IOException;

  List<Entry> classFiles(String packageName) throws IOException;

  record Directory(Path dir) implements ClassRoot {
    @Override
    public String key() {
      return dir.toString();
    }

    @Override
    public List<String> packages() throws IOException {
      List<String> names = new ArrayList<>();
      try (var walk = Files.walk(dir)) {
        walk.filter(Files::isDirectory)
            .map(d -> dir.relativize(d).toString().replace(d.getFileSystem().getSeparator(), "."))
            .forEach(names::add);
      }
      return names;
    }

    @Override
    public List<Entry> classFiles(String packageName) throws IOException {
      Path packageDir = packageName.isEmpty() ? dir : dir.resolve(packageName.replace('.', '/'));
      if (!Files.isDirectory(packageDir)) {
        return List.of();
      }
      // Listed each time, not cached: exploded class directories change under a running app.
      List<Entry> entries = new ArrayList<>();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(packageDir, "*.class")) {
        for (Path file : files) {
          String name = file.getFileName().toString();
          if (!name.equals("module-info.class") && Files.isRegularFile(file)) {
            entries.add(new Entry(packageName, name, file.toString()));
          }
        }
      }
      return entries;
    }
  }

  record Jar(Path file) implements ClassRoot {
    @Override
    public String key() {
      return file.toString();
    }

    @Override
    public List<String> packages() throws IOException {
      return List.copyOf(JarIndex.of(file).packages().keySet());
    }

    @Override
    public List<Entry> classFiles(String packageName) throws IOException {
      return entries(JarIndex.of(file), packageName, file.toString());
    }
  }

  /** A jar behind a {@code jar:} URL that keeps the loader's protocol handler (nested jars). */
  record JarUrl(URL url) implements ClassRoot {
    @Override
    public String key() {
      return url.toString();
    }

    @Override
    public List<String> packages() throws IOException {
      return List.copyOf(JarIndex.of(url).packages().keySet());
    }

    @Override
    public List<Entry> classFiles(String packageName) throws IOException {
      return entries(JarIndex.of(url), packageName, url.toString());
    }
  }

  private static List<Entry> entries(JarIndex index, String packageName, String jar) {
    List<String> files = index.classFiles(packageName);
    List<Entry> entries = new ArrayList<>(files.size());
    String prefix = packageName.isEmpty() ? "" : packageName.replace('.', '/') + '/';
    for (String file : files) {
      // The form javac uses for a class in a jar, e.g. /lib/acme.jar(com/acme/Cart.class).
      entries.add(new Entry(packageName, file, jar + "(" + prefix + file + ")"));
    }
    return entries;
  }
}

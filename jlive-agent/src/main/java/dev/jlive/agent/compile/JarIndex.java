package dev.jlive.agent.compile;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The class files of one jar, by package.
 *
 * <p>Why whole jars: listing a package through {@code ClassLoader.getResources("com/acme")} only
 * works when the jar has a directory entry {@code com/acme/}, and many build tools write jars
 * without them. Reading the jar's central directory once finds every class whatever tool made it.
 * Indexes are cached by the jar's location and checked against the modification time and size of
 * the file that holds it, so a redeployed jar is read again. The cache holds strings only, never a
 * class loader, so it cannot keep an application's classes alive.
 */
record JarIndex(Map<String, List<String>> packages, List<String> classPath) {
  /** Past this many jars the cache starts over rather than grow with every redeployment. */
  private static final int MAX_CACHED_JARS = 4096;

  private static final Map<String, Stamped> CACHE = new ConcurrentHashMap<>();

  /** An index and the state of the file it was read from. */
  private record Stamped(long modified, long size, JarIndex index) {}

  private interface Reader {
    JarIndex read() throws IOException;
  }

  JarIndex {
    packages = Map.copyOf(packages);
    classPath = List.copyOf(classPath);
  }

  /** The simple class-file names ({@code Cart.class}, {@code Cart$1.class}) of a package. */
  List<String> classFiles(String packageName) {
    return packages.getOrDefault(packageName, List.of());
  }

  /** The index of a jar file. */
  static JarIndex of(Path jar) throws IOException {
    Path file = jar.toAbsolutePath().normalize();
    return cached(
        file.toString(),
        file,
        () -> {
          try (JarFile open = new JarFile(file.toFile(), false)) {
            return read(open);
          }
        });
  }

  /**
   * The index of the jar a {@code jar:} URL points into, e.g. a jar nested in a Spring Boot jar.
   * The URL must carry its own protocol handler (one from the loader), since nested jars need the
   * application's handler to open.
   */
  static JarIndex of(URL jarUrl) throws IOException {
    Optional<Path> outer = outerFile(jarUrl);
    Reader reader =
        () -> {
          URLConnection connection = jarUrl.openConnection();
          if (!(connection instanceof JarURLConnection)) {
            throw new IOException(jarUrl + " is not a jar URL");
          }
          // Our own JarFile instance: a cached one is shared with whoever else opened the URL,
          // and closing it would break them.
          connection.setUseCaches(false);
          try (JarFile open = ((JarURLConnection) connection).getJarFile()) {
            return read(open);
          }
        };
    // Without a file to check, a cached index could be stale: read it every time.
    return outer.isPresent() ? cached(jarUrl.toString(), outer.get(), reader) : reader.read();
  }

  private static JarIndex cached(String key, Path stampFile, Reader reader) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(stampFile, BasicFileAttributes.class);
    long modified = attributes.lastModifiedTime().toMillis();
    long size = attributes.size();
    Stamped cached = CACHE.get(key);
    if (cached != null && cached.modified == modified && cached.size == size) {
      return cached.index;
    }
    JarIndex index = reader.read();
    if (CACHE.size() >= MAX_CACHED_JARS) {
      CACHE.clear();
    }
    CACHE.put(key, new Stamped(modified, size, index));
    return index;
  }

  /**
   * The local file that holds a {@code jar:} URL's bytes: {@code jar:file:/a.jar!/lib/b.jar!/} and
   * Spring Boot's {@code jar:nested:/a.jar/!lib/b.jar!/} are both held by {@code /a.jar}.
   */
  static Optional<Path> outerFile(URL url) {
    String spec = url.toString();
    while (spec.startsWith("jar:")) {
      spec = spec.substring("jar:".length());
    }
    String location;
    if (spec.startsWith("nested:")) {
      int end = spec.indexOf("/!");
      location =
          "file:"
              + (end < 0
                  ? spec.substring("nested:".length())
                  : spec.substring("nested:".length(), end));
    } else if (spec.startsWith("file:")) {
      int end = spec.indexOf("!/");
      location = end < 0 ? spec : spec.substring(0, end);
    } else {
      return Optional.empty();
    }
    try {
      Path file = Path.of(URI.create(location));
      return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    } catch (IllegalArgumentException e) {
      // A location that is not a valid URI (an unescaped space, say): read it uncached.
      return Optional.empty();
    }
  }

  /** Indexes an open jar; the caller owns and closes it. */
  static JarIndex read(JarFile file) throws IOException {
    Manifest manifest = file.getManifest();
    boolean multiRelease =
        manifest != null
            && "true"
                .equalsIgnoreCase(
                    manifest.getMainAttributes().getValue(Attributes.Name.MULTI_RELEASE));
    int feature = Runtime.version().feature();
    Map<String, Set<String>> packages = new HashMap<>();
    // entries() lists raw names, so classes that exist only under META-INF/versions/N are
    // mapped back by hand.
    Enumeration<JarEntry> entries = file.entries();
    while (entries.hasMoreElements()) {
      String name = entries.nextElement().getName();
      if (!name.endsWith(".class") || name.endsWith("module-info.class")) {
        continue;
      }
      if (name.startsWith("META-INF/")) {
        name = multiRelease ? versionedName(name, feature) : null;
        if (name == null) {
          continue;
        }
      }
      int slash = name.lastIndexOf('/');
      String packageName = slash < 0 ? "" : name.substring(0, slash).replace('/', '.');
      // A set: a multi-release jar may hold the same class in the base and a version directory.
      packages
          .computeIfAbsent(packageName, p -> new LinkedHashSet<>())
          .add(name.substring(slash + 1));
    }
    Map<String, List<String>> frozen = new HashMap<>();
    packages.forEach((packageName, files) -> frozen.put(packageName, List.copyOf(files)));
    return new JarIndex(frozen, classPath(manifest));
  }

  /** {@code META-INF/versions/11/a/B.class} becomes {@code a/B.class} on a JVM of 11 or later. */
  private static String versionedName(String name, int feature) {
    String prefix = "META-INF/versions/";
    if (!name.startsWith(prefix)) {
      return null;
    }
    int slash = name.indexOf('/', prefix.length());
    if (slash < 0) {
      return null;
    }
    try {
      return Integer.parseInt(name.substring(prefix.length(), slash)) <= feature
          ? name.substring(slash + 1)
          : null;
    } catch (NumberFormatException e) {
      return null; // not a version directory, so the JVM does not load from it either
    }
  }

  /** The manifest's {@code Class-Path} entries, which the JDK's loaders follow too. */
  private static List<String> classPath(Manifest manifest) {
    String value =
        manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return List.of(value.trim().split("\\s+"));
  }
}

package dev.jlive.agent.compile;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The class-path roots a class loader sees, for one compile.
 *
 * <p>The loader and its parents are walked up to the platform loader (the JDK's own classes come
 * from the runtime image, as javac finds them normally). Each loader contributes roots in the most
 * reliable way it offers:
 *
 * <ul>
 *   <li>a {@link URLClassLoader} (also Tomcat's and Spring Boot's loaders) its URLs;
 *   <li>the JDK's application loader, which is not a URLClassLoader and has no API for its path,
 *       the {@code java.class.path} property, plus the jars with a manifest it reports;
 *   <li>any other loader only what it answers to {@code getResources}: once the jars that have a
 *       manifest, then, per package listed, the package directories it finds. A jar with neither a
 *       manifest nor directory entries behind such a loader stays invisible, since no loader API
 *       can enumerate it.
 * </ul>
 *
 * Jars are followed through their manifest's {@code Class-Path}, as the JDK's loaders do (a
 * launcher's manifest-only jar names the whole class path that way).
 *
 * <p>Not thread-safe: javac drives one compile from one thread. Holds the loader only for the
 * compile's lifetime.
 */
final class LoaderClassPath {
  private static final String APP_LOADER = "jdk.internal.loader.ClassLoaders$AppClassLoader";

  /** Nearly every jar has one, directory entries or not: asking for it reveals the jars. */
  private static final String MANIFEST = "META-INF/MANIFEST.MF";

  // In class path order: where two roots hold a class, the loader, like javac here, takes the
  // first.
  private final Map<String, ClassRoot> roots = new LinkedHashMap<>();
  private final List<ClassLoader> opaqueLoaders = new ArrayList<>();

  /**
   * What was skipped and why, by root key (sorted, for warnings that read the same each time):
   * never a reason to fail.
   */
  private final Map<String, String> skipped = new TreeMap<>();

  private LoaderClassPath() {}

  static LoaderClassPath of(ClassLoader loader) {
    LoaderClassPath path = new LoaderClassPath();
    ClassLoader platform = ClassLoader.getPlatformClassLoader();
    for (ClassLoader l = loader; l != null && l != platform; l = l.getParent()) {
      if (l instanceof URLClassLoader) {
        for (URL url : ((URLClassLoader) l).getURLs()) {
          path.addUrl(url);
        }
      } else if (l.getClass().getName().equals(APP_LOADER)) {
        path.addClassPathProperty();
        // The property can be rewritten after start-up (Surefire does) and misses jars an agent
        // appended to the loader: the jars the loader itself reports add what it left out.
        path.addRootsOf(l, MANIFEST);
      } else {
        path.opaqueLoaders.add(l);
        path.addRootsOf(l, MANIFEST);
      }
    }
    return path;
  }

  /** Roots that could not be read, and why; the loader most likely cannot read them either. */
  List<String> skipped() {
    return List.copyOf(skipped.values());
  }

  /**
   * The class files of a package in every root, one per file name: a name found in two roots is the
   * same class to the loader, which decides whose bytes it is when it is opened.
   */
  List<ClassRoot.Entry> classFiles(String packageName, boolean recurse) {
    String resourcePath = packageName.replace('.', '/');
    for (ClassLoader opaque : opaqueLoaders) {
      addRootsOf(opaque, resourcePath);
    }
    Map<String, ClassRoot.Entry> byName = new TreeMap<>();
    for (ClassRoot root : roots.values()) {
      if (skipped.containsKey(root.key())) {
        continue;
      }
      try {
        for (String listed : recurse ? subpackages(root, packageName) : List.of(packageName)) {
          for (ClassRoot.Entry entry : root.classFiles(listed)) {
            byName.putIfAbsent(entry.packageName() + '/' + entry.fileName(), entry);
          }
        }
      } catch (IOException | UncheckedIOException e) {
        skip(root.key(), "class path entry " + root.key(), e);
      }
    }
    return List.copyOf(byName.values());
  }

  private static Set<String> subpackages(ClassRoot root, String packageName) throws IOException {
    Set<String> names = new LinkedHashSet<>();
    names.add(packageName);
    for (String candidate : root.packages()) {
      if (packageName.isEmpty() || candidate.startsWith(packageName + '.')) {
        names.add(candidate);
      }
    }
    return names;
  }

  private void addClassPathProperty() {
    String classPath = System.getProperty("java.class.path", "");
    for (String element : classPath.split(File.pathSeparator, -1)) {
      try {
        // The launcher reads an empty element as the working directory, and so does Path.
        addPath(Path.of(element).toAbsolutePath());
      } catch (InvalidPathException e) {
        // The JDK's loader skips elements it cannot parse as a path as well.
      }
    }
  }

  /** Adds the roots that hold {@code resourcePath} according to the loader. */
  private void addRootsOf(ClassLoader loader, String resourcePath) {
    Enumeration<URL> found;
    try {
      found = loader.getResources(resourcePath);
    } catch (IOException | RuntimeException e) {
      skip(loader + "/" + resourcePath, "looking up " + resourcePath + " through " + loader, e);
      return;
    }
    while (found.hasMoreElements()) {
      URL resource = found.nextElement();
      String spec = resource.toString();
      String suffix =
          spec.endsWith("/") && !resourcePath.isEmpty() ? resourcePath + "/" : resourcePath;
      if (!spec.endsWith(suffix)) {
        continue; // a loader that renames resources: no root can be derived
      }
      String root = spec.substring(0, spec.length() - suffix.length());
      try {
        // Built relative to the resource so the root keeps the resource's protocol handler.
        addUrl(new URL(resource, root));
      } catch (MalformedURLException e) {
        skip(root, "class path entry " + root + " (from " + spec + ")", e);
      }
    }
  }

  private void addUrl(URL url) {
    switch (url.getProtocol()) {
      case "file":
        toPath(url).ifPresent(this::addPath);
        break;
      case "jar":
        String spec = url.toString();
        // A plain jar file's root, jar:file:/a.jar!/, is read as a file: faster, and cached.
        if (spec.startsWith("jar:file:") && spec.indexOf("!/") == spec.length() - 2) {
          try {
            toPath(new URL(spec.substring("jar:".length(), spec.length() - 2)))
                .ifPresent(this::addPath);
          } catch (MalformedURLException e) {
            add(new ClassRoot.JarUrl(url));
          }
        } else {
          add(new ClassRoot.JarUrl(url));
        }
        break;
      default:
        // http: and other remote roots: compiling must not fetch from the network.
        break;
    }
  }

  private void addPath(Path path) {
    Path normal = path.toAbsolutePath().normalize();
    if (Files.isDirectory(normal)) {
      add(new ClassRoot.Directory(normal));
    } else if (Files.isRegularFile(normal)) {
      ClassRoot.Jar jar = new ClassRoot.Jar(normal);
      if (!add(jar)) {
        return;
      }
      List<String> manifestClassPath;
      try {
        manifestClassPath = JarIndex.of(normal).classPath();
      } catch (IOException e) {
        skip(jar.key(), "class path entry " + jar.key(), e);
        return;
      }
      for (String entry : manifestClassPath) {
        try {
          addUrl(new URL(normal.toUri().toURL(), entry));
        } catch (MalformedURLException e) {
          // The JDK's loader ignores a Class-Path entry it cannot parse.
        }
      }
    }
  }

  private void skip(String key, String what, Exception e) {
    skipped.putIfAbsent(key, what + " was skipped: " + e);
  }

  private boolean add(ClassRoot root) {
    return roots.putIfAbsent(root.key(), root) == null;
  }

  private static Optional<Path> toPath(URL fileUrl) {
    try {
      return Optional.of(Path.of(fileUrl.toURI()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      // Old code builds file URLs with File.toURL(), which leaves spaces unescaped.
      try {
        return Optional.of(Path.of(fileUrl.getPath()));
      } catch (InvalidPathException invalid) {
        return Optional.empty();
      }
    }
  }
}

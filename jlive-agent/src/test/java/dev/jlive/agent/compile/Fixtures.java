package dev.jlive.agent.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.JarURLConnection;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Builds the class-path fixtures of the tests at test time: classes, jars, loaders. */
final class Fixtures {
  private Fixtures() {}

  /** Compiles sources (class name to code) with the plain system compiler into {@code dir}. */
  static Path compileTo(Path dir, Map<String, String> sources) throws IOException {
    Files.createDirectories(dir);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      List<JavaFileObject> units = new ArrayList<>();
      for (Map.Entry<String, String> source : sources.entrySet()) {
        units.add(new MemorySource(new SourceFile(source.getKey(), source.getValue())));
      }
      List<String> options = List.of("-d", dir.toString(), "-classpath", "", "-proc:none");
      boolean ok = javac.getTask(null, files, diagnostics, options, null, units).call();
      assertThat(ok).as("fixture compile: %s", diagnostics.getDiagnostics()).isTrue();
    }
    return dir;
  }

  /**
   * Packs a class directory into a jar. Without directory entries it is a bare zip of files, as
   * some build tools write them, and the JDK's loaders then find no package "directory".
   */
  static Path jar(Path classes, Path jar, boolean directoryEntries, Manifest manifest)
      throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(classes)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    TreeSet<String> directories = new TreeSet<>();
    for (Path file : files) {
      for (Path parent = classes.relativize(file).getParent();
          parent != null;
          parent = parent.getParent()) {
        directories.add(entryName(parent) + "/");
      }
    }
    Files.createDirectories(jar.getParent());
    try (OutputStream out = Files.newOutputStream(jar);
        ZipOutputStream zip =
            directoryEntries && manifest != null
                ? new JarOutputStream(out, manifest)
                : new ZipOutputStream(out)) {
      if (manifest != null && !directoryEntries) {
        zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
        manifest.write(zip);
        zip.closeEntry();
      }
      if (directoryEntries) {
        for (String directory : directories) {
          zip.putNextEntry(new ZipEntry(directory));
          zip.closeEntry();
        }
      }
      for (Path file : files) {
        zip.putNextEntry(new ZipEntry(entryName(classes.relativize(file))));
        Files.copy(file, zip);
        zip.closeEntry();
      }
    }
    return jar;
  }

  static Manifest manifest(String classPath) {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (classPath != null) {
      manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
    }
    return manifest;
  }

  private static String entryName(Path relative) {
    return relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
  }

  static URLClassLoader urlLoader(ClassLoader parent, URL... urls) {
    return new URLClassLoader("fixture", urls, parent);
  }

  static URLClassLoader urlLoader(URL... urls) {
    return urlLoader(ClassLoader.getPlatformClassLoader(), urls);
  }

  static URL url(Path path) {
    try {
      return path.toUri().toURL();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Defines compiled classes in a child of {@code parent} and calls a static no-arg method. */
  static Object callStatic(
      ClassLoader parent, Map<String, byte[]> classes, String className, String method)
      throws ReflectiveOperationException {
    ClassLoader loader = new BytesLoader(parent, classes);
    Method target = Class.forName(className, true, loader).getDeclaredMethod(method);
    target.setAccessible(true);
    return target.invoke(null);
  }

  static int majorVersion(byte[] classFile) {
    return ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
  }

  static boolean contains(byte[] classFile, String text) {
    return new String(classFile, StandardCharsets.ISO_8859_1).contains(text);
  }

  /** Loads the compiler's output, everything else from its parent. */
  static final class BytesLoader extends ClassLoader {
    private final Map<String, byte[]> classes;

    BytesLoader(ClassLoader parent, Map<String, byte[]> classes) {
      super("compiled", parent);
      this.classes = classes;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] bytes = classes.get(name);
      if (bytes == null) {
        throw new ClassNotFoundException(name);
      }
      return defineClass(name, bytes, 0, bytes.length);
    }
  }

  /**
   * A loader that is neither a URLClassLoader nor the JDK's app loader, so its class path can only
   * be discovered through getResources, like Spring Boot's or an OSGi bundle's.
   */
  static final class OpaqueLoader extends ClassLoader implements AutoCloseable {
    private final URLClassLoader hidden;

    OpaqueLoader(URL... urls) {
      super("opaque", ClassLoader.getPlatformClassLoader());
      this.hidden = new URLClassLoader(urls, null);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      URL resource = hidden.findResource(name.replace('.', '/') + ".class");
      if (resource == null) {
        throw new ClassNotFoundException(name);
      }
      try (InputStream in = resource.openStream()) {
        byte[] bytes = in.readAllBytes();
        return defineClass(name, bytes, 0, bytes.length);
      } catch (IOException e) {
        throw new ClassNotFoundException(name, e);
      }
    }

    @Override
    protected URL findResource(String name) {
      return hidden.findResource(name);
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
      return hidden.findResources(name);
    }

    @Override
    public void close() throws IOException {
      hidden.close();
    }
  }

  /** A web-app style loader: its own classes and resources win over its parent's. */
  static final class ChildFirstLoader extends URLClassLoader {
    ChildFirstLoader(ClassLoader parent, URL... urls) {
      super("child-first", urls, parent);
    }

    @Override
    public URL getResource(String name) {
      URL own = findResource(name);
      return own != null ? own : super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
      all.addAll(Collections.list(getParent().getResources(name)));
      return Collections.enumeration(all);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        if (loaded == null) {
          try {
            loaded = findClass(name);
          } catch (ClassNotFoundException e) {
            return super.loadClass(name, resolve);
          }
        }
        if (resolve) {
          resolveClass(loaded);
        }
        return loaded;
      }
    }
  }

  /**
   * A jar: handler for jars nested in a jar, {@code jar:file:/app.jar!/BOOT-INF/lib/x.jar!/}, the
   * way Spring Boot 2's launcher serves them: the JDK's own handler cannot open such URLs, so only
   * code that keeps the loader's URL (and its handler) can read them.
   */
  static final class NestedJarHandler extends URLStreamHandler {
    private final Path extractDir;

    NestedJarHandler(Path extractDir) {
      this.extractDir = extractDir;
    }

    URL root(Path outerJar, String nestedEntry) throws IOException {
      return new URL("jar", null, -1, outerJar.toUri() + "!/" + nestedEntry + "!/", this);
    }

    @Override
    protected URLConnection openConnection(URL url) throws IOException {
      return new Connection(url);
    }

    private synchronized Path extract(Path outer, String nestedEntry) throws IOException {
      Path target =
          extractDir.resolve(Integer.toHexString((outer + "!" + nestedEntry).hashCode()) + ".jar");
      if (!Files.exists(target)) {
        try (JarFile jar = new JarFile(outer.toFile());
            InputStream in = jar.getInputStream(jar.getEntry(nestedEntry))) {
          Files.createDirectories(extractDir);
          Files.copy(in, target);
        }
      }
      return target;
    }

    private final class Connection extends JarURLConnection {
      private final String nestedEntry;
      private final String entry;
      private JarFile jarFile;

      Connection(URL url) throws MalformedURLException {
        super(url);
        // The JDK splits at the first "!/": the rest names the nested jar, then the entry.
        String rest = super.getEntryName();
        int bang = rest.indexOf("!/");
        nestedEntry = rest.substring(0, bang);
        entry = rest.length() == bang + 2 ? null : rest.substring(bang + 2);
      }

      @Override
      public String getEntryName() {
        return entry;
      }

      @Override
      public void connect() throws IOException {
        if (connected) {
          return;
        }
        try {
          jarFile = new JarFile(extract(Path.of(getJarFileURL().toURI()), nestedEntry).toFile());
        } catch (URISyntaxException e) {
          throw new IOException(e);
        }
        if (entry != null && jarFile.getEntry(entry) == null) {
          jarFile.close();
          throw new FileNotFoundException(entry + " in " + getURL());
        }
        connected = true;
      }

      @Override
      public JarFile getJarFile() throws IOException {
        connect();
        return jarFile;
      }

      @Override
      public InputStream getInputStream() throws IOException {
        connect();
        if (entry == null) {
          throw new IOException("no entry named in " + getURL());
        }
        JarFile open = jarFile;
        return new FilterInputStream(open.getInputStream(open.getEntry(entry))) {
          @Override
          public void close() throws IOException {
            super.close();
            open.close();
          }
        };
      }
    }
  }
}

package dev.jlive.agent.launcher;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the agent core from {@code jlive-core/**.classdata} inside the agent jar.
 *
 * <p>Why not put the core on a class path: with {@code -javaagent} the JVM adds the agent jar to
 * the application's class path, so every class at the jar's root is visible to the application (and
 * to its class path scanners). The core therefore sits under a prefix with a suffix no scanner
 * looks for, and only this loader reads it. Its parent is the platform loader, so the core sees the
 * JDK and the boot bridge but never the application's classes.
 *
 * <p>Closing it closes the jar; after that, and once nothing references the core, the loader and
 * every class it defined can be collected. That is what makes attach/detach cycles leak-free.
 */
public final class CoreClassLoader extends ClassLoader implements Closeable, IntSupplier {
  static final String PREFIX = "jlive-core/";
  static final String CLASS_SUFFIX = ".classdata";

  static {
    registerAsParallelCapable();
  }

  private final JarFile jar;
  private final String jarUrl;
  private final ProtectionDomain domain;
  private final AtomicInteger defined = new AtomicInteger();

  CoreClassLoader(JarFile jar, URL jarLocation) {
    super("jlive-core", ClassLoader.getPlatformClassLoader());
    this.jar = jar;
    this.jarUrl = jarLocation.toExternalForm();
    this.domain =
        new ProtectionDomain(new CodeSource(jarLocation, (Certificate[]) null), null, this, null);
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + CLASS_SUFFIX);
    if (entry == null) {
      throw new ClassNotFoundException(name);
    }
    byte[] bytes;
    try (InputStream in = jar.getInputStream(entry)) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new ClassNotFoundException(name + " could not be read from the agent jar", e);
    }
    definePackageOf(name);
    defined.incrementAndGet();
    return defineClass(name, bytes, 0, bytes.length, domain);
  }

  /**
   * How many core classes this loader has defined so far. A JDK interface, so that the core, which
   * cannot see this class, can read it for its start-up log.
   */
  @Override
  public int getAsInt() {
    return defined.get();
  }

  private void definePackageOf(String className) {
    int dot = className.lastIndexOf('.');
    if (dot > 0) {
      String pkg = className.substring(0, dot);
      if (getDefinedPackage(pkg) == null) {
        try {
          definePackage(pkg, null, null, null, null, null, null, null);
        } catch (IllegalArgumentException racedWithAnotherThread) {
          // Another thread defined it first: that is all we wanted.
        }
      }
    }
  }

  /**
   * Resources of the core, {@code .class} files included: Byte Buddy reads class files this way.
   */
  @Override
  public InputStream getResourceAsStream(String name) {
    byte[] bytes = readCoreResource(name);
    if (bytes != null) {
      return new ByteArrayInputStream(bytes);
    }
    return getParent().getResourceAsStream(name);
  }

  @Override
  protected URL findResource(String name) {
    String entryName = coreEntryName(name);
    if (jar.getJarEntry(entryName) == null) {
      return null;
    }
    try {
      return new URL("jar:" + jarUrl + "!/" + entryName);
    } catch (MalformedURLException e) {
      return null;
    }
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    URL url = findResource(name);
    return url == null
        ? Collections.emptyEnumeration()
        : Collections.enumeration(Collections.singletonList(url));
  }

  private byte[] readCoreResource(String name) {
    JarEntry entry = jar.getJarEntry(coreEntryName(name));
    if (entry == null) {
      return null;
    }
    try (InputStream in = jar.getInputStream(entry)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + " from the agent jar", e);
    }
  }

  private static String coreEntryName(String resource) {
    String name = resource.startsWith("/") ? resource.substring(1) : resource;
    if (name.endsWith(".class")) {
      name = name.substring(0, name.length() - ".class".length()) + CLASS_SUFFIX;
    }
    return PREFIX + name;
  }

  @Override
  public void close() throws IOException {
    jar.close();
  }
}

package dev.jlive.agent.compile;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.tools.SimpleJavaFileObject;

/**
 * A class on the class path, read through the class loader. The root listed it; the loader resolves
 * it, so a child-first loader's own copy wins over a parent's, as it does when the application
 * runs.
 */
final class LoaderClassFile extends SimpleJavaFileObject {
  private final String binaryName;
  private final String origin;
  private final ClassLoader loader;
  private final ClassFileView view;

  LoaderClassFile(String binaryName, String origin, ClassLoader loader, ClassFileView view) {
    super(MemorySource.uri("jlive-loader", resourceName(binaryName)), Kind.CLASS);
    this.binaryName = binaryName;
    this.origin = origin;
    this.loader = loader;
    this.view = view;
  }

  static String resourceName(String binaryName) {
    return binaryName.replace('.', '/') + ".class";
  }

  String binaryName() {
    return binaryName;
  }

  /**
   * Reads the bytes the loader resolves the name to, with URL caching off.
   *
   * <p>Why not {@code loader.getResourceAsStream}: for a jar, a URLClassLoader opens the stream
   * through the JDK's process-wide cache of {@code JarFile}s and registers the cached JarFile with
   * itself, so closing that loader closes a JarFile other code shares. Seen in the tests: on Java
   * 25, compiles against two loaders over one jar failed with "zip file closed" when one loader was
   * closed, and a compile must not leave such a trap in the application either.
   */
  @Override
  public InputStream openInputStream() throws IOException {
    if (view.changes(binaryName)) {
      try (InputStream original = read()) {
        return new ByteArrayInputStream(view.apply(binaryName, original.readAllBytes()));
      }
    }
    return read();
  }

  private InputStream read() throws IOException {
    String name = resourceName(binaryName);
    URL url = loader.getResource(name);
    if (url == null) {
      // Loaders that serve bytes only as streams (getResource answers null) still count.
      InputStream in = loader.getResourceAsStream(name);
      if (in == null) {
        throw new FileNotFoundException(
            name + " is listed in " + origin + " but the class loader does not return it");
      }
      return in;
    }
    URLConnection connection = url.openConnection();
    connection.setUseCaches(false);
    return connection.getInputStream();
  }

  @Override
  public CharSequence getCharContent(boolean ignoreEncodingErrors) {
    throw new UnsupportedOperationException("a class file has no characters: " + origin);
  }

  /** Where the class was listed, which is what javac names in its messages. */
  @Override
  public String getName() {
    return origin;
  }

  @Override
  public NestingKind getNestingKind() {
    return null; // unknown until read, as for javac's own class files
  }

  @Override
  public Modifier getAccessLevel() {
    return null;
  }

  @Override
  public String toString() {
    return origin;
  }
}

package dev.jlive.it.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The built artifacts under test and the tests' working folders, as the build passes them in. */
public final class Artifacts {
  private Artifacts() {}

  public static Path agentJar() {
    return existing("jlive.agent.jar");
  }

  public static Path cliJar() {
    return existing("jlive.cli.jar");
  }

  public static Path demoJar() {
    return existing("jlive.demo.jar");
  }

  /** The Spring Boot test application, as Boot packages it (nested jars). */
  public static Path springJar() {
    return existing("jlive.spring.jar");
  }

  /** The Spring Boot test application's Java sources, for source patches. */
  public static Path springSources() {
    return Paths.get(System.getProperty("jlive.spring.sources", "../jlive-it-spring/src/main/java"))
        .toAbsolutePath()
        .normalize();
  }

  /** The runtime directory shared by the tests' CLI (in this JVM) and the target JVMs. */
  public static Path runtimeDir() {
    Path dir = work().resolve("runtime");
    System.setProperty("jlive.runtimeDir", dir.toString());
    return dir;
  }

  public static Path work() {
    Path dir = Paths.get(System.getProperty("jlive.it.work", "target/it-work")).toAbsolutePath();
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The test classes plus the jars that hold {@code types}: a class path for a test app. */
  public static String classPathWith(Class<?>... types) {
    StringBuilder path =
        new StringBuilder(System.getProperty("jlive.it.testClasses", testClasses()));
    for (Class<?> type : types) {
      path.append(File.pathSeparator).append(locationOf(type));
    }
    return path.toString();
  }

  private static String testClasses() {
    return locationOf(Artifacts.class);
  }

  static String locationOf(Class<?> type) {
    try {
      return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path existing(String property) {
    String value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException(
          "system property " + property + " is not set; run the tests through Maven");
    }
    Path path = Paths.get(value).toAbsolutePath().normalize();
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(
          path + " does not exist; build with `mvn -B verify` from the project root");
    }
    return path;
  }
}

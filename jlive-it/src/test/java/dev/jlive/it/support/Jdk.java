package dev.jlive.it.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;

/** The JDKs the target JVMs run on: the one running the tests (17) and Temurin 25. */
public enum Jdk {
  JAVA_17(Paths.get(System.getProperty("java.home"))),
  JAVA_25(Paths.get(System.getProperty("jlive.java25.home", "/usr/lib/jvm/temurin-25-jdk-amd64")));

  private final Path home;

  Jdk(Path home) {
    this.home = home;
  }

  public Path java() {
    return home.resolve("bin").resolve("java");
  }

  public Path jcmd() {
    return home.resolve("bin").resolve("jcmd");
  }

  public int feature() {
    return this == JAVA_17 ? Runtime.version().feature() : 25;
  }

  /** Skips the calling test, saying why, when this JDK is not installed here. */
  public Jdk require() {
    Assumptions.assumeTrue(
        Files.isExecutable(java()),
        () -> this + " is not installed at " + home + "; set -Djava25.home=...");
    return this;
  }
}

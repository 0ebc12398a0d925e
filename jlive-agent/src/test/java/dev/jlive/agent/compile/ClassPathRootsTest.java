package dev.jlive.agent.compile;

import static dev.jlive.agent.compile.Fixtures.callStatic;
import static dev.jlive.agent.compile.Fixtures.url;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.Closeable;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The ways a class loader can hold a class, and that each is listed and read correctly. */
class ClassPathRootsTest {
  private static final SourceFile USE_GREETER =
      new SourceFile(
          "app.UseGreeter",
          """
      package app;

      public class UseGreeter {
        static String run() {
          return fixture.lib.Greeter.greet("jlive");
        }
      }
      """);

  @TempDir static Path tmp;

  static Path classes;
  static Path jarWithDirectories;
  static Path jarWithoutDirectories;
  static Path jarWithoutDirectoriesWithManifest;
  static Path manifestOnlyJar;
  static Path springBootStyleJar;
  static Fixtures.NestedJarHandler nestedJars;

  @BeforeAll
  static void buildFixtures() throws IOException {
    classes =
        Fixtures.compileTo(
            tmp.resolve("classes"),
            Map.of(
                "fixture.lib.Greeter",
                """
        package fixture.lib;

        public class Greeter {
          public static String greet(String name) {
            return "hello " + name;
          }
        }
        """));
    jarWithDirectories =
        Fixtures.jar(classes, tmp.resolve("dirs.jar"), true, Fixtures.manifest(null));
    jarWithoutDirectories = Fixtures.jar(classes, tmp.resolve("nodirs.jar"), false, null);
    jarWithoutDirectoriesWithManifest =
        Fixtures.jar(classes, tmp.resolve("nodirs-manifest.jar"), false, Fixtures.manifest(null));
    // Like a launcher's manifest-only jar: no classes, the class path in its manifest.
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    manifestOnlyJar =
        Fixtures.jar(
            empty, tmp.resolve("lib/launcher.jar"), false, Fixtures.manifest("../nodirs.jar"));
    // An application jar with the library jar stored inside it, as Spring Boot packs them.
    Path boot = Files.createDirectories(tmp.resolve("boot/BOOT-INF/lib"));
    Files.copy(jarWithoutDirectories, boot.resolve("greeter.jar"));
    springBootStyleJar =
        Fixtures.jar(tmp.resolve("boot"), tmp.resolve("app.jar"), true, Fixtures.manifest(null));
    nestedJars = new Fixtures.NestedJarHandler(tmp.resolve("extracted"));
  }

  enum Packaging {
    DIRECTORY {
      @Override
      ClassLoader loader() {
        return Fixtures.urlLoader(url(classes));
      }
    },
    JAR_WITH_DIRECTORY_ENTRIES {
      @Override
      ClassLoader loader() {
        return Fixtures.urlLoader(url(jarWithDirectories));
      }
    },
    JAR_WITHOUT_DIRECTORY_ENTRIES {
      @Override
      ClassLoader loader() {
        return Fixtures.urlLoader(url(jarWithoutDirectories));
      }
    },
    /** A jar: URL as the root, the form Spring Boot's loaders use for nested jars. */
    JAR_URL_ROOT {
      @Override
      ClassLoader loader() throws IOException {
        return Fixtures.urlLoader(new URL("jar:" + url(jarWithoutDirectories) + "!/"));
      }
    },
    /** Class-Path in the manifest of a jar on the loader's path, followed as the JDK does. */
    MANIFEST_CLASS_PATH {
      @Override
      ClassLoader loader() {
        return Fixtures.urlLoader(url(manifestOnlyJar));
      }
    },
    /** A jar nested in a jar, readable only through the loader's own URL handler. */
    NESTED_JAR_URL {
      @Override
      ClassLoader loader() throws IOException {
        return Fixtures.urlLoader(nestedJars.root(springBootStyleJar, "BOOT-INF/lib/greeter.jar"));
      }
    },
    /** A loader child of another: the class is found in the parent's roots. */
    PARENT_LOADER {
      @Override
      ClassLoader loader() {
        return Fixtures.urlLoader(
            Fixtures.urlLoader(url(jarWithoutDirectories)), url(tmp.resolve("empty")));
      }
    },
    OPAQUE_LOADER_DIRECTORY {
      @Override
      ClassLoader loader() {
        return new Fixtures.OpaqueLoader(url(classes));
      }
    },
    OPAQUE_LOADER_JAR_WITH_DIRECTORY_ENTRIES {
      @Override
      ClassLoader loader() {
        return new Fixtures.OpaqueLoader(url(jarWithDirectories));
      }
    },
    /** No directory entries, but the manifest gives the jar away. */
    OPAQUE_LOADER_JAR_WITHOUT_DIRECTORY_ENTRIES {
      @Override
      ClassLoader loader() {
        return new Fixtures.OpaqueLoader(url(jarWithoutDirectoriesWithManifest));
      }
    };

    abstract ClassLoader loader() throws IOException;
  }

  @ParameterizedTest
  @EnumSource(Packaging.class)
  void classResolvesAndTheOutputRuns(Packaging packaging) throws Exception {
    ClassLoader loader = packaging.loader();
    try {
      Compilation result =
          InTargetCompiler.compile(List.of(USE_GREETER), loader, CompileOptions.defaults());

      assertThat(result.succeeded()).as(result.errorReport()).isTrue();
      assertThat(result.problems()).isEmpty();
      assertThat(callStatic(loader, result.classes(), "app.UseGreeter", "run"))
          .isEqualTo("hello jlive");
    } finally {
      close(loader);
    }
  }

  /**
   * Pins a known limit: behind a loader with no URLs, a jar with neither directory entries nor a
   * manifest answers no resource query that could reveal it.
   */
  @Test
  void opaqueLoaderCannotRevealAJarWithNeitherManifestNorDirectoryEntries() throws Exception {
    try (Fixtures.OpaqueLoader loader = new Fixtures.OpaqueLoader(url(jarWithoutDirectories))) {
      assertThat(loader.loadClass("fixture.lib.Greeter")).isNotNull();

      Compilation result =
          InTargetCompiler.compile(List.of(USE_GREETER), loader, CompileOptions.defaults());

      assertThat(result.succeeded()).isFalse();
    }
  }

  /** A child-first loader's copy of a class is what the source compiles against, as at run time. */
  @Test
  void theLoadersOwnViewOfAClassWins() throws Exception {
    Path v1 =
        Fixtures.compileTo(
            tmp.resolve("v1"),
            Map.of(
                "fixture.versioned.Version",
                """
        package fixture.versioned;

        public class Version {
          public static String one() {
            return "one";
          }
        }
        """));
    Path v2 =
        Fixtures.compileTo(
            tmp.resolve("v2"),
            Map.of(
                "fixture.versioned.Version",
                """
        package fixture.versioned;

        public class Version {
          public static String two() {
            return "two";
          }
        }
        """));
    SourceFile usesTwo =
        new SourceFile(
            "app.UsesTwo",
            """
        package app;

        public class UsesTwo {
          static String run() {
            return fixture.versioned.Version.two();
          }
        }
        """);
    try (var parent =
            Fixtures.urlLoader(url(Fixtures.jar(v1, tmp.resolve("v1.jar"), false, null)));
        var childFirst =
            new Fixtures.ChildFirstLoader(
                parent, url(Fixtures.jar(v2, tmp.resolve("v2.jar"), false, null)));
        var parentFirst = Fixtures.urlLoader(parent, url(tmp.resolve("v2.jar")))) {
      Compilation againstChildFirst =
          InTargetCompiler.compile(List.of(usesTwo), childFirst, CompileOptions.defaults());
      Compilation againstParentFirst =
          InTargetCompiler.compile(List.of(usesTwo), parentFirst, CompileOptions.defaults());

      assertThat(againstChildFirst.succeeded()).as(againstChildFirst.errorReport()).isTrue();
      assertThat(callStatic(childFirst, againstChildFirst.classes(), "app.UsesTwo", "run"))
          .isEqualTo("two");
      // The parent-first loader returns v1's bytes, in which two() does not exist.
      assertThat(againstParentFirst.succeeded()).isFalse();
      assertThat(againstParentFirst.problems())
          .singleElement()
          .satisfies(
              problem ->
                  assertThat(problem.message()).contains("cannot find symbol").contains("two()"));
    }
  }

  /** The jar index is cached, but a jar rewritten in place is read again. */
  @Test
  void aRedeployedJarIsIndexedAgain() throws Exception {
    Path jar = Fixtures.jar(classes, tmp.resolve("redeployed/app.jar"), false, null);
    SourceFile usesExtra =
        new SourceFile(
            "app.UsesExtra",
            """
        package app;

        public class UsesExtra {
          static int run() {
            return fixture.lib.Extra.VALUE;
          }
        }
        """);
    try (var before = Fixtures.urlLoader(url(jar))) {
      assertThat(
              InTargetCompiler.compile(List.of(usesExtra), before, CompileOptions.defaults())
                  .succeeded())
          .isFalse();
    }

    Path more =
        Fixtures.compileTo(
            tmp.resolve("more"),
            Map.of(
                "fixture.lib.Extra",
                """
        package fixture.lib;

        public class Extra {
          public static final int VALUE = 42;
        }
        """));
    FileTime previous = Files.getLastModifiedTime(jar);
    Fixtures.jar(more, jar, false, null);
    Files.setLastModifiedTime(jar, FileTime.fromMillis(previous.toMillis() + 2_000));

    try (var after = Fixtures.urlLoader(url(jar))) {
      Compilation result =
          InTargetCompiler.compile(List.of(usesExtra), after, CompileOptions.defaults());
      assertThat(result.succeeded()).as(result.errorReport()).isTrue();
      assertThat(callStatic(after, result.classes(), "app.UsesExtra", "run")).isEqualTo(42);
    }
  }

  @Test
  void anUnreadableJarIsSkippedWithAWarning() throws Exception {
    Path broken = Files.writeString(tmp.resolve("broken.jar"), "not a zip");
    try (var loader = Fixtures.urlLoader(url(broken), url(jarWithoutDirectories))) {
      Compilation result =
          InTargetCompiler.compile(List.of(USE_GREETER), loader, CompileOptions.defaults());

      assertThat(result.succeeded()).as(result.errorReport()).isTrue();
      assertThat(result.problems())
          .singleElement()
          .satisfies(
              problem -> {
                assertThat(problem.severity()).isEqualTo(Problem.Severity.WARNING);
                assertThat(problem.message()).contains("broken.jar").contains("skipped");
              });
    }
  }

  private static void close(ClassLoader loader) throws IOException {
    for (ClassLoader l = loader; l != null; l = l.getParent()) {
      if (l instanceof Closeable) {
        ((Closeable) l).close();
      }
    }
  }
}

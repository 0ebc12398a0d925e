package dev.jlive.agent.compile;

import static dev.jlive.agent.compile.Fixtures.callStatic;
import static dev.jlive.agent.compile.Fixtures.url;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InTargetCompilerTest {
  private static final CompileOptions OPTIONS = CompileOptions.defaults();

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

  static Path greeterClasses;
  static Path jarWithoutDirectories;

  @BeforeAll
  static void buildFixtures() throws IOException {
    greeterClasses =
        Fixtures.compileTo(
            tmp.resolve("greeter-classes"),
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
    jarWithoutDirectories =
        Fixtures.jar(greeterClasses, tmp.resolve("greeter-nodirs.jar"), false, null);
  }

  @Test
  void classFromJarWithoutDirectoryEntriesResolvesAndRuns() throws Exception {
    try (URLClassLoader loader = Fixtures.urlLoader(url(jarWithoutDirectories))) {
      // The pitfall: the loader finds the class but no package "directory" in such a jar.
      assertThat(Collections.list(loader.getResources("fixture/lib"))).isEmpty();
      assertThat(loader.getResource("fixture/lib/Greeter.class")).isNotNull();

      Compilation result = InTargetCompiler.compile(List.of(USE_GREETER), loader, OPTIONS);

      assertThat(result.succeeded()).as(result.errorReport()).isTrue();
      assertThat(result.classes()).containsOnlyKeys("app.UseGreeter");
      assertThat(callStatic(loader, result.classes(), "app.UseGreeter", "run"))
          .isEqualTo("hello jlive");
    }
  }

  @Test
  void classNotVisibleFromTheLoaderIsAnErrorAtItsPosition() throws Exception {
    SourceFile broken =
        new SourceFile(
            "app.Broken",
            """
        package app;

        public class Broken {
          static String run() {
            return fixture.lib.Greeter.greet("x") + Missing.name();
          }
        }
        """);
    try (URLClassLoader loader = Fixtures.urlLoader(url(jarWithoutDirectories))) {
      Compilation result = InTargetCompiler.compile(List.of(broken), loader, OPTIONS);

      assertThat(result.succeeded()).isFalse();
      assertThat(result.classes()).isEmpty();
      assertThat(result.problems())
          .singleElement()
          .satisfies(
              problem -> {
                assertThat(problem.severity()).isEqualTo(Problem.Severity.ERROR);
                assertThat(problem.className()).isEqualTo("app.Broken");
                assertThat(problem.line()).isEqualTo(5);
                assertThat(problem.column()).isEqualTo(45);
                assertThat(problem.message()).contains("cannot find symbol").contains("Missing");
                assertThat(problem.format())
                    .startsWith("app/Broken.java:5:45: error: cannot find symbol");
              });
    }
  }

  @Test
  void theProcessClassPathIsNotVisible() throws Exception {
    // AssertJ is on this test's class path, but not visible from a loader over the fixture jar.
    SourceFile source =
        new SourceFile(
            "app.UsesAssertj",
            """
        package app;

        class UsesAssertj {
          Object assertions = org.assertj.core.api.Assertions.class;
        }
        """);
    try (URLClassLoader loader = Fixtures.urlLoader(url(jarWithoutDirectories))) {
      Compilation result = InTargetCompiler.compile(List.of(source), loader, OPTIONS);

      assertThat(result.succeeded()).isFalse();
      assertThat(result.problems())
          .singleElement()
          .satisfies(
              problem -> {
                assertThat(problem.line()).isEqualTo(4);
                // javac points at the dot before the name it could not find in the package.
                assertThat(problem.column()).isEqualTo(43);
                assertThat(problem.message())
                    .isEqualTo("package org.assertj.core.api does not exist");
              });
    }
  }

  @Test
  void sourcesCompiledTogetherWithNestedAndAnonymousClasses() throws Exception {
    SourceFile cart =
        new SourceFile(
            "app.Cart",
            """
        package app;

        import java.util.function.IntSupplier;

        public class Cart {
          static final class Line {
            final int cents;

            Line(int cents) {
              this.cents = cents;
            }
          }

          static int total() {
            IntSupplier tax = new IntSupplier() {
              @Override
              public int getAsInt() {
                return Pricing.tax(new Line(1000).cents);
              }
            };
            Runnable lambda = () -> { };
            lambda.run();
            return 1000 + tax.getAsInt();
          }
        }
        """);
    SourceFile pricing =
        new SourceFile(
            "app.Pricing",
            """
        package app;

        class Pricing {
          static int tax(int cents) {
            return cents / 5;
          }
        }
        """);

    Compilation result =
        InTargetCompiler.compile(
            List.of(cart, pricing), ClassLoader.getPlatformClassLoader(), OPTIONS);

    assertThat(result.succeeded()).as(result.errorReport()).isTrue();
    assertThat(result.classes())
        .containsOnlyKeys("app.Cart", "app.Cart$1", "app.Cart$Line", "app.Pricing");
    assertThat(
            callStatic(ClassLoader.getPlatformClassLoader(), result.classes(), "app.Cart", "total"))
        .isEqualTo(1200);
  }

  @Test
  void classesOnTheApplicationClassPathResolveThroughTheSystemLoader() throws Exception {
    SourceFile source =
        new SourceFile(
            "app.UsesTestLibraries",
            """
        package app;

        import org.junit.jupiter.api.Test;

        public class UsesTestLibraries {
          @Test
          void check() {
            org.assertj.core.api.Assertions.assertThat(1).isOne();
          }

          static String run() {
            return Test.class.getName();
          }
        }
        """);

    Compilation result =
        InTargetCompiler.compile(List.of(source), ClassLoader.getSystemClassLoader(), OPTIONS);

    assertThat(result.succeeded()).as(result.errorReport()).isTrue();
    assertThat(
            callStatic(
                ClassLoader.getSystemClassLoader(),
                result.classes(),
                "app.UsesTestLibraries",
                "run"))
        .isEqualTo("org.junit.jupiter.api.Test");
  }

  @Test
  void javacPrintsNothingToTheApplicationsOutput() throws Exception {
    SourceFile syntax =
        new SourceFile(
            "app.Syntax",
            """
        package app;

        public class Syntax {
          int broken = ;
        }
        """);
    SourceFile missing =
        new SourceFile(
            "app.Missing",
            """
        package app;

        public class Missing {
          Object boxed = new Integer(1);
          Object missing = NoSuchType.VALUE;
        }
        """);
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    Compilation syntaxResult;
    Compilation missingResult;
    try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      System.setErr(capture);
      try (URLClassLoader loader = Fixtures.urlLoader(url(jarWithoutDirectories))) {
        syntaxResult = InTargetCompiler.compile(List.of(syntax), loader, OPTIONS);
        missingResult = InTargetCompiler.compile(List.of(missing), loader, OPTIONS);
        InTargetCompiler.compile(List.of(USE_GREETER), loader, OPTIONS);
      }
    } finally {
      System.setOut(out);
      System.setErr(err);
    }

    assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(syntaxResult.succeeded()).isFalse();
    assertThat(syntaxResult.problems()).extracting(Problem::line).containsOnly(4L);
    assertThat(missingResult.succeeded()).isFalse();
    assertThat(missingResult.problems())
        .extracting(Problem::severity)
        .contains(Problem.Severity.WARNING, Problem.Severity.ERROR);
  }

  @Test
  void warningsAloneDoNotFailTheCompile() {
    SourceFile old =
        new SourceFile(
            "app.Old",
            """
        package app;

        class Old {
          @Deprecated(forRemoval = true)
          static int value() {
            return 1;
          }
        }
        """);
    SourceFile caller =
        new SourceFile(
            "app.Caller",
            """
        package app;

        class Caller {
          int value = Old.value();
        }
        """);

    Compilation result = InTargetCompiler.compile(List.of(old, caller), null, OPTIONS);

    assertThat(result.succeeded()).isTrue();
    assertThat(result.classes()).containsOnlyKeys("app.Old", "app.Caller");
    assertThat(result.problems())
        .singleElement()
        .satisfies(
            problem -> {
              assertThat(problem.severity()).isEqualTo(Problem.Severity.WARNING);
              assertThat(problem.className()).isEqualTo("app.Caller");
              assertThat(problem.line()).isEqualTo(4);
              assertThat(problem.column()).isEqualTo(18);
              assertThat(problem.message()).contains("value()").contains("marked for removal");
            });
  }

  @Test
  void deprecationIsAWarningWithAPositionNotAFileLevelNote() {
    SourceFile source =
        new SourceFile(
            "app.Dated",
            """
        package app;

        class Dated {
          int year = new java.util.Date().getYear();
        }
        """);

    Compilation result = InTargetCompiler.compile(List.of(source), null, OPTIONS);

    assertThat(result.succeeded()).isTrue();
    assertThat(result.problems())
        .singleElement()
        .satisfies(
            problem -> {
              assertThat(problem.line()).isEqualTo(4);
              assertThat(problem.column()).isEqualTo(34);
              assertThat(problem.message()).contains("getYear()").contains("deprecated");
            });
  }

  @Test
  void compilerNameSaysWhichCompilerAndRuntime() {
    Compilation result =
        InTargetCompiler.compile(List.of(new SourceFile("A", "class A {}")), null, OPTIONS);

    assertThat(result.compiler()).isEqualTo("javac " + Runtime.version());
    assertThat(result.classes()).containsOnlyKeys("A");
  }

  @Test
  void aRuntimeWithoutACompilerSaysWhatToDo() {
    assertThatThrownBy(
            () ->
                InTargetCompiler.compile(List.of(USE_GREETER), null, OPTIONS, (JavaCompiler) null))
        .isInstanceOf(CompilerUnavailableException.class)
        .hasMessageContaining("jdk.compiler")
        .hasMessageContaining("--add-modules jdk.compiler");
  }

  @Test
  void badInputIsRefusedWithAReason() {
    assertThatThrownBy(() -> InTargetCompiler.compile(List.of(), null, OPTIONS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no source files");
    assertThatThrownBy(
            () -> InTargetCompiler.compile(List.of(USE_GREETER, USE_GREETER), null, OPTIONS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two source files for app.UseGreeter");
    int tooNew = Runtime.version().feature() + 1;
    assertThatThrownBy(() -> new CompileOptions(tooNew, false, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("release " + tooNew + " cannot be emitted here");
  }
}

package dev.jlive.agent.compile;

import static dev.jlive.agent.compile.Fixtures.callStatic;
import static dev.jlive.agent.compile.Fixtures.url;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Later compiles reuse the standard file manager, yet see what changed since the last one. */
class ReusedFileManagerTest {
  private static final SourceFile USE_GREETER =
      new SourceFile(
          "app.UseGreeter",
          """
          package app;

          public class UseGreeter {
            static String run() {
              return fixture.late.Greeter.greet("jlive");
            }
          }
          """);

  @TempDir Path tmp;

  @Test
  void aClassDefinedAfterACompileIsVisibleToTheNextOne() throws Exception {
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    try (URLClassLoader loader = Fixtures.urlLoader(url(classes))) {
      Compilation before = InTargetCompiler.compile(List.of(USE_GREETER), loader, options());
      // The control: the class is not there yet, and the compile says so.
      assertThat(before.succeeded()).isFalse();
      assertThat(before.errorReport()).contains("fixture.late");

      Fixtures.compileTo(classes, greeter("late hello "));
      Compilation after = InTargetCompiler.compile(List.of(USE_GREETER), loader, options());

      assertThat(after.succeeded()).as(after.errorReport()).isTrue();
      assertThat(callStatic(loader, after.classes(), "app.UseGreeter", "run"))
          .isEqualTo("late hello jlive");
    }
  }

  @Test
  void aNewClassLoaderIsSeenByTheNextCompile() throws Exception {
    Path classes = Fixtures.compileTo(tmp.resolve("other"), greeter("other hello "));
    try (URLClassLoader empty = Fixtures.urlLoader(url(Files.createDirectories(tmp.resolve("e"))));
        URLClassLoader loader = Fixtures.urlLoader(url(classes))) {
      assertThat(InTargetCompiler.compile(List.of(USE_GREETER), empty, options()).succeeded())
          .isFalse();

      Compilation compiled = InTargetCompiler.compile(List.of(USE_GREETER), loader, options());

      assertThat(compiled.succeeded()).as(compiled.errorReport()).isTrue();
      assertThat(callStatic(loader, compiled.classes(), "app.UseGreeter", "run"))
          .isEqualTo("other hello jlive");
    }
  }

  @Test
  void aLaterCompileTakesTheManagerTheLastOneGaveBack() {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    JdkFileManagers.Lease first = JdkFileManagers.take(javac, diagnostic -> {});
    JdkFileManagers.Lease whileTaken = JdkFileManagers.take(javac, diagnostic -> {});
    // The control: one held by a compile is not handed to a concurrent one.
    assertThat(whileTaken.manager).isNotSameAs(first.manager);
    JdkFileManagers.giveBack(first);
    JdkFileManagers.giveBack(whileTaken);

    JdkFileManagers.Lease later = JdkFileManagers.take(javac, diagnostic -> {});

    assertThat(later.manager).isSameAs(first.manager);
    JdkFileManagers.giveBack(later);
  }

  private static Map<String, String> greeter(String greeting) {
    return Map.of(
        "fixture.late.Greeter",
        """
        package fixture.late;

        public class Greeter {
          public static String greet(String name) {
            return "%s" + name;
          }
        }
        """
            .formatted(greeting));
  }

  private static CompileOptions options() {
    return CompileOptions.defaults();
  }
}

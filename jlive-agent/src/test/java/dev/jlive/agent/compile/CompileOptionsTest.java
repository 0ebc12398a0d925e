package dev.jlive.agent.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the options do to the class files, read from the bytes. */
class CompileOptionsTest {
  private static final SourceFile SOURCE =
      new SourceFile(
          "app.Sum",
          """
      package app;

      public class Sum {
        public static int sum(int first, int second) {
          int total = first + second;
          return total;
        }
      }
      """);

  private static byte[] compile(CompileOptions options) {
    Compilation result = InTargetCompiler.compile(List.of(SOURCE), null, options);
    assertThat(result.succeeded()).as(result.errorReport()).isTrue();
    // Emitting an older version against the running JDK's modules must not even warn.
    assertThat(result.problems()).isEmpty();
    return result.classes().get("app.Sum");
  }

  @ParameterizedTest(name = "release {0}")
  @ValueSource(ints = {8, 11, 17})
  void emitsTheRequestedClassFileVersion(int release) throws Exception {
    byte[] classFile = compile(new CompileOptions(release, false, false));

    assertThat(Fixtures.majorVersion(classFile)).isEqualTo(release + 44);
    Class<?> loaded =
        Class.forName(
            "app.Sum", true, new Fixtures.BytesLoader(null, Map.of("app.Sum", classFile)));
    assertThat(loaded.getDeclaredMethod("sum", int.class, int.class).invoke(null, 2, 3))
        .isEqualTo(5);
  }

  @Test
  void releaseZeroIsTheRunningJvms() {
    byte[] classFile = compile(new CompileOptions(0, false, false));

    assertThat(Fixtures.majorVersion(classFile)).isEqualTo(Runtime.version().feature() + 44);
  }

  @Test
  void debugInfoDecidesTheLocalVariableTableButLinesAreAlwaysKept() {
    byte[] with = compile(new CompileOptions(17, true, false));
    byte[] without = compile(new CompileOptions(17, false, false));

    assertThat(Fixtures.contains(with, "LocalVariableTable")).isTrue();
    assertThat(Fixtures.contains(without, "LocalVariableTable")).isFalse();
    assertThat(Fixtures.contains(with, "LineNumberTable")).isTrue();
    assertThat(Fixtures.contains(without, "LineNumberTable")).isTrue();
    assertThat(Fixtures.contains(without, "Sum.java")).isTrue();
  }

  @Test
  void parametersRecordsParameterNames() {
    byte[] with = compile(new CompileOptions(17, false, true));
    byte[] without = compile(new CompileOptions(17, false, false));

    assertThat(Fixtures.contains(with, "MethodParameters")).isTrue();
    assertThat(Fixtures.contains(with, "second")).isTrue();
    assertThat(Fixtures.contains(without, "MethodParameters")).isFalse();
    assertThat(Fixtures.contains(without, "second")).isFalse();
  }

  @Test
  void defaultsAreTheRunningVersionWithEverything() {
    assertThat(CompileOptions.defaults()).isEqualTo(new CompileOptions(0, true, true));
    assertThat(InTargetCompiler.arguments(new CompileOptions(17, false, false)))
        .containsSequence("-source", "17", "-target", "17")
        .doesNotContain("--release");
  }
}

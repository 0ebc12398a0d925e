package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.it.apps.PatchTargetApp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.TargetJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A source patch in a JVM that has no javac: a runtime image made with jlink without the
 * jdk.compiler module, as slim production images are. The agent compiles with Eclipse's compiler.
 */
class EcjPatchTest {
  private static final String MODULES =
      "java.base,java.instrument,java.management,java.logging,jdk.jfr,jdk.unsupported";

  @Test
  void aSourcePatchCompilesWithEcjWhereThereIsNoJavac() throws Exception {
    Path runtime = runtimeWithoutCompiler();
    assertThat(runtime.resolve("bin/java")).isExecutable();
    Path javaBin = runtime.resolve("bin/java");
    try (TargetJvm app =
        TargetJvm.onJava(javaBin).javaagent("").main(PatchTargetApp.class).start()) {
      String pid = Long.toString(app.pid());
      Path source = Artifacts.work().resolve("ecj-" + System.nanoTime()).resolve("Pricer.java");
      Files.createDirectories(source.getParent());
      Files.writeString(
          source,
          Files.readString(
                  Paths.get("src/test/java/dev/jlive/it/apps/Pricer.java"), StandardCharsets.UTF_8)
              .replace("quantity * 10", "quantity * 9"));
      CliRun patch = jlive("patch", pid, source.toString(), "--json");
      assertThat(patch.exitCode()).as(patch.toString()).isZero();
      assertThat(patch.json()).containsEntry("compiler", "ecj");
      assertThat(app.ask("price 2", "price")).startsWith("price 18 ");

      CliRun broken =
          jlive(
              "patch",
              pid,
              Files.writeString(
                      source,
                      "package dev.jlive.it.apps;\npublic final class Pricer {\n  int x = y;\n}\n")
                  .toString());
      assertThat(broken.exitCode()).isEqualTo(8);
      assertThat(broken.stderr()).contains("Pricer.java:3:").contains("y cannot be resolved");
    }
  }

  /** A Java 17 runtime image without jdk.compiler, made once with jlink from this JDK's jmods. */
  private static Path runtimeWithoutCompiler() throws Exception {
    Path javaHome = Paths.get(System.getProperty("java.home"));
    Path jmods = javaHome.resolve("jmods");
    Assumptions.assumeTrue(
        Files.isDirectory(jmods), "this JDK has no jmods to jlink a runtime from: " + jmods);
    Path image = Artifacts.work().resolve("runtime-without-javac");
    if (!Files.isExecutable(image.resolve("bin/java"))) {
      Process jlink =
          new ProcessBuilder(
                  javaHome.resolve("bin/jlink").toString(),
                  "--module-path",
                  jmods.toString(),
                  "--add-modules",
                  MODULES,
                  "--output",
                  image.toString(),
                  "--no-header-files",
                  "--no-man-pages")
              .redirectErrorStream(true)
              .start();
      String output = new String(jlink.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(jlink.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(jlink.exitValue()).as(output).isZero();
    }
    Process modules =
        new ProcessBuilder(image.resolve("bin/java").toString(), "--list-modules").start();
    List<String> listed =
        new String(modules.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
            .lines()
            .toList();
    assertThat(listed).noneMatch(line -> line.startsWith("jdk.compiler"));
    return image;
  }
}

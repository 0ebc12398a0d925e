package dev.jlive.cli.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TerminalTest {
  private static final Path JAVA_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

  @Test
  void pipedCommandIsNotInteractiveOnThisJava() throws Exception {
    assertThat(run(Path.of(System.getProperty("java.home"), "bin", "java")))
        .isEqualTo("not interactive");
  }

  /**
   * From Java 22 {@code System.console()} is never null, so a piped {@code jlive demo} used to wait
   * for Enter forever on Java 25.
   */
  @Test
  void pipedCommandIsNotInteractiveOnJava25() throws Exception {
    assumeTrue(Files.isExecutable(JAVA_25), "Temurin 25 is not installed");
    assertThat(run(JAVA_25)).isEqualTo("not interactive");
  }

  private static String run(Path java) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Terminal.class.getName())
            .redirectErrorStream(true)
            .start();
    process.getOutputStream().close();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
  }
}

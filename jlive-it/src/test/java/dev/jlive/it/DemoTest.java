package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's promise: the built `jlive` jar attaches to the demo and runs the guided tour. */
class DemoTest {

  @Test
  @SuppressWarnings("unchecked")
  void theCliJarAttachesToTheDemoAndReportsVersions() throws Exception {
    try (TargetJvm demo =
        TargetJvm.on(Jdk.JAVA_17).jar(Artifacts.demoJar()).readyLine("jlive-demo ready").start()) {
      String pid = Long.toString(demo.pid());
      Result attach = cli("attach", pid);
      assertThat(attach.exit()).as(attach.output()).isZero();
      assertThat(attach.output())
          .contains("attached jlive " + Version.current() + " to pid " + pid);

      Result info = cli("info", pid, "--json");
      assertThat(info.exit()).as(info.output()).isZero();
      Map<String, Object> json = Json.parseObject(info.output());
      assertThat(((Map<String, Object>) json.get("jvm")).get("javaVersion"))
          .isEqualTo(System.getProperty("java.version"));
      assertThat(((Map<String, Object>) json.get("agent")).get("version"))
          .isEqualTo(Version.current());
    }
  }

  @Test
  void theGuidedTourRunsFromStartToEnd() throws Exception {
    Result tour = cli("demo", "--no-pause");
    assertThat(tour.exit()).as(tour.output()).isZero();
    assertThat(tour.output())
        .contains("attached jlive")
        .contains("is already loaded in pid")
        .contains("dev.jlive.demo.shop.Pricing")
        .contains("long discountedPrice(long,int)")
        .containsPattern("exit: price=\\d+ qty=10 -> \\d+")
        .contains("computing the price of \"cable-USB-C\"")
        .contains("\"type\": \"java.lang.ArithmeticException\"")
        .contains("removed probe p4")
        .contains("patch x1 applied")
        .contains("\"lineTotal\":17991")
        .contains("reverted x1")
        .contains("detached jlive")
        .contains("Tour complete");
  }

  record Result(int exit, String output) {}

  /** Runs the built jlive.jar as its own process, the way a user does. */
  static Result cli(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Jdk.JAVA_17.java().toString(),
                "-Djlive.runtimeDir=" + Artifacts.runtimeDir(),
                "-jar",
                Artifacts.cliJar().toString()));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(false)
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "jlive " + String.join(" ", args) + " did not finish within 180 s");
    }
    return new Result(process.exitValue(), output + (errors.isEmpty() ? "" : errors));
  }
}

package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.it.apps.PatchTargetApp;
import dev.jlive.it.support.AgentHttp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/**
 * A source patch compiled inside a Java 25 JVM (javac 25, emitting the class's own version), with a
 * probe on top.
 */
class PatchOnJava25Test {

  @Test
  void aSourcePatchAppliesAndRevertsOnJava25() throws Exception {
    try (TargetJvm app =
        TargetJvm.on(Jdk.JAVA_25)
            .jvmArg("-XX:+EnableDynamicAgentLoading")
            .main(PatchTargetApp.class)
            .start()) {
      String pid = Long.toString(app.pid());
      assertThat(jlive("attach", pid).exitCode()).isZero();
      String original = AgentHttp.of(app.pid()).digest("dev.jlive.it.apps.Pricer");
      assertThat(jlive("probe", "add", pid, "dev.jlive.it.apps.Pricer#price", "--count").exitCode())
          .isZero();

      Path source = Artifacts.work().resolve("p25-" + System.nanoTime()).resolve("Pricer.java");
      Files.createDirectories(source.getParent());
      Files.writeString(
          source,
          Files.readString(Paths.get("src/test/java/dev/jlive/it/apps/Pricer.java"))
              .replace("quantity * 10", "quantity * 5"));
      CliRun patch = jlive("patch", pid, source.toString());
      assertThat(patch.exitCode()).as(patch.toString()).isZero();
      assertThat(app.ask("price 4", "price")).startsWith("price 20 ");
      assertThat(jlive("metrics", pid, "p1", "--json").stdout()).contains("\"calls\": 1");

      assertThat(jlive("revert", pid, "x1").exitCode()).isZero();
      assertThat(app.ask("price 4", "price")).startsWith("price 40 ");
      assertThat(jlive("probe", "rm", pid, "p1").exitCode()).isZero();
      assertThat(AgentHttp.of(app.pid()).digest("dev.jlive.it.apps.Pricer")).isEqualTo(original);
    }
  }
}

package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.tools.attach.VirtualMachine;
import dev.jlive.it.apps.EmbeddingApp;
import dev.jlive.it.apps.IdleApp;
import dev.jlive.it.apps.ShortLivedApp;
import dev.jlive.it.apps.StaleSocketApp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.Version;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The three ways in (-javaagent, attach, JLive.start()) and the way out (detach), on Java 17 and
 * 25.
 */
class AgentLifecycleTest {

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void javaagentStartsTheEndpointAndWritesOneLine(Jdk jdk) throws Exception {
    try (TargetJvm target = TargetJvm.on(jdk).javaagent("").main(IdleApp.class).start()) {
      Path discovery = Artifacts.runtimeDir().resolve(target.pid() + ".json");
      assertThat(discovery).exists();

      CliRun info = jlive("info", Long.toString(target.pid()), "--json");
      assertThat(info.exitCode()).as(info.toString()).isZero();
      Map<String, Object> agent = section(info.json(), "agent");
      assertThat(agent)
          .containsEntry("mode", "javaagent")
          .containsEntry("version", Version.current());
      assertThat(section(info.json(), "jvm").get("featureVersion")).isEqualTo((long) jdk.feature());

      assertThat(target.ask("ping", "pong")).isEqualTo("pong");
      assertThat(target.stdout()).allMatch(line -> line.startsWith("ready") || line.equals("pong"));
      assertThat(target.stderr())
          .singleElement()
          .asString()
          .startsWith("jlive agent " + Version.current() + " listening on 127.0.0.1:");
      // Regression: the JDK's HTTP server reads its settings once per JVM; started in premain it
      // took them for the application (the demo lost 60% of its throughput). The agent has its own.
      CliRun httpServer =
          jlive("classes", Long.toString(target.pid()), "sun.net.httpserver..*", "--json");
      assertThat(httpServer.json()).containsEntry("total", 0L);
    }
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void attachIsIdempotentAndDetachRemovesEverything(Jdk jdk) throws Exception {
    try (TargetJvm target =
        TargetJvm.on(jdk).jvmArg("-XX:+EnableDynamicAgentLoading").main(IdleApp.class).start()) {
      String pid = Long.toString(target.pid());
      Path discovery = Artifacts.runtimeDir().resolve(pid + ".json");

      CliRun first = jlive("attach", pid, "--json");
      assertThat(first.exitCode()).as(first.toString()).isZero();
      assertThat(first.json())
          .containsEntry("alreadyAttached", false)
          .containsEntry("agentVersion", Version.current());
      assertThat(discovery).exists();

      CliRun second = jlive("attach", pid);
      assertThat(second.exitCode()).as(second.toString()).isZero();
      assertThat(second.stdout()).contains("already loaded in pid " + pid);

      CliRun info = jlive("info", pid, "--json");
      assertThat(section(info.json(), "agent")).containsEntry("mode", "attach");
      assertThat(section(info.json(), "jvm").get("javaVersion").toString())
          .startsWith(Integer.toString(jdk.feature()));

      CliRun detach = jlive("detach", pid);
      assertThat(detach.exitCode()).as(detach.toString()).isZero();
      assertThat(discovery).doesNotExist();
      assertThat(jlive("info", pid).exitCode()).isEqualTo(5);

      assertThat(target.ask("ping", "pong")).isEqualTo("pong");
      assertThat(target.stderr()).filteredOn(line -> line.startsWith("jlive")).hasSize(1);
      assertThat(target.stdout()).allMatch(line -> line.startsWith("ready") || line.equals("pong"));
    }
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void theAgentNeverKeepsTheJvmAlive(Jdk jdk) throws Exception {
    try (TargetJvm target = TargetJvm.on(jdk).javaagent("").main(ShortLivedApp.class).start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> !target.process().isAlive());
      assertThat(target.process().exitValue()).isZero();
      assertThat(target.stdout()).contains("main done");
      // The shutdown hook removed the discovery file.
      assertThat(Artifacts.runtimeDir().resolve(target.pid() + ".json")).doesNotExist();
    }
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void anApplicationCanStartJLiveItself(Jdk jdk) throws Exception {
    String classPath = Artifacts.classPathWith() + File.pathSeparator + Artifacts.agentJar();
    try (TargetJvm target =
        TargetJvm.on(jdk)
            .jvmArg("-XX:+EnableDynamicAgentLoading")
            .classPath(classPath)
            .main(EmbeddingApp.class)
            .start()) {
      assertThat(target.stdout()).anyMatch(line -> line.endsWith("running=true"));
      String pid = Long.toString(target.pid());
      CliRun info = jlive("info", pid, "--json");
      assertThat(info.exitCode()).as(info.toString()).isZero();
      assertThat(section(info.json(), "agent")).containsEntry("mode", "library");

      assertThat(target.ask("stop", "stopped")).isEqualTo("stopped running=false");
      assertThat(Files.exists(Artifacts.runtimeDir().resolve(pid + ".json"))).isFalse();
    }
  }

  @Test
  void anApplicationWhosePidAKilledJvmHadUsedCanStartJLiveItself() throws Exception {
    String classPath = Artifacts.classPathWith() + File.pathSeparator + Artifacts.agentJar();
    try (TargetJvm target =
        TargetJvm.on(Jdk.JAVA_17)
            .jvmArg("-XX:+EnableDynamicAgentLoading")
            .classPath(classPath)
            .main(StaleSocketApp.class)
            .start()) {
      String pid = Long.toString(target.pid());
      // Negative control: the JDK's attach takes the left socket for the JVM's listener.
      assertThatThrownBy(() -> VirtualMachine.attach(pid))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Connection refused");

      assertThat(target.ask("start", "started")).isEqualTo("started running=true");
      CliRun info = jlive("info", pid, "--json");
      assertThat(info.exitCode()).as(info.toString()).isZero();
      assertThat(target.ask("stop", "stopped")).isEqualTo("stopped running=false");
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> section(Map<String, Object> json, String name) {
    return (Map<String, Object>) json.get(name);
  }
}

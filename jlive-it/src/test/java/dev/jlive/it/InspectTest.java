package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.it.apps.GateApp;
import dev.jlive.it.apps.IdleApp;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** ps, info, threads, classes and methods against a JVM on Java 25 with the agent attached. */
class InspectTest {
  private static TargetJvm target;
  private static String pid;

  @BeforeAll
  static void attach() throws Exception {
    target =
        TargetJvm.on(Jdk.JAVA_25)
            .jvmArg("-XX:+EnableDynamicAgentLoading")
            .main(IdleApp.class)
            .start();
    pid = Long.toString(target.pid());
    CliRun attach = jlive("attach", pid);
    assertThat(attach.exitCode()).as(attach.toString()).isZero();
  }

  @AfterAll
  static void stop() throws Exception {
    if (target != null) {
      target.close();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void psListsTheJvmWithItsJavaVersionAndAgent() {
    CliRun ps = jlive("ps", "--json");
    assertThat(ps.exitCode()).isZero();
    List<Map<String, Object>> jvms = (List<Map<String, Object>>) ps.json().get("jvms");
    Map<String, Object> entry =
        jvms.stream()
            .filter(jvm -> jvm.get("pid").toString().equals(pid))
            .findFirst()
            .orElseThrow();
    assertThat(entry)
        .containsEntry("mainClass", IdleApp.class.getName())
        .containsEntry("jliveLoaded", true);
    assertThat(entry.get("javaVersion").toString()).startsWith("25");

    CliRun table = jlive("ps");
    assertThat(table.stdout())
        .containsPattern("(?m)^" + pid + "\\s+25\\S*\\s+yes\\s+\\S+\\s+dev.jlive.it.apps.IdleApp$");
  }

  @Test
  void infoShowsJvmAndAgent() {
    CliRun info = jlive("info", pid);
    assertThat(info.exitCode()).isZero();
    assertThat(info.stdout())
        .contains("main", IdleApp.class.getName())
        .contains("jlive ")
        .contains("0 active")
        .containsPattern("java\\s+25");
  }

  @Test
  void threadsShowsStatesAndStacksAndFilters() {
    CliRun threads = jlive("threads", pid, "--grep", "idle-worker");
    assertThat(threads.exitCode()).isZero();
    assertThat(threads.stdout())
        .contains("\"idle-worker\"")
        .contains("dev.jlive.it.apps.IdleApp.work(IdleApp.java:")
        .contains("1 thread matching idle-worker")
        .doesNotContain("\"main\"");

    CliRun all = jlive("threads", pid, "--json");
    assertThat(all.stdout())
        .contains("\"name\": \"main\"")
        .contains("\"state\": \"TIMED_WAITING\"");
  }

  /**
   * Issue 9: jlive threads listed platform threads only; inspect commands were tested on 25 only.
   */
  @ParameterizedTest
  @EnumSource(Jdk.class)
  void threadsListsVirtualThreadsOnJava21AndLaterAndFiltersByKind(Jdk jdk) throws Exception {
    try (TargetJvm app = TargetJvm.on(jdk).javaagent("").main(GateApp.class).start()) {
      String pid = Long.toString(app.pid());
      boolean virtual = jdk.feature() >= 21;
      app.ask("hold 3 " + (virtual ? "virtual" : "platform"), "holding 3");
      CliRun held = jlive("threads", pid, "--grep", "held-");
      assertThat(held.exitCode()).as(held.toString()).isZero();
      assertThat(held.stdout())
          .contains("\"held-0\"")
          .contains("dev.jlive.it.apps.Gated.hold(Gated.java:")
          .contains("3 threads matching held-");
      CliRun virtualOnly = jlive("threads", pid, "--virtual", "--grep", "held-");
      CliRun platformOnly = jlive("threads", pid, "--platform", "--grep", "held-");
      assertThat(virtualOnly.exitCode()).isZero();
      assertThat(platformOnly.exitCode()).isZero();
      if (virtual) {
        assertThat(held.stdout()).contains("\"held-2\" #").contains(" virtual");
        assertThat(virtualOnly.stdout())
            .contains("\"held-1\"")
            .contains("3 virtual threads matching held-");
        assertThat(platformOnly.stdout()).contains("0 platform threads matching held-");
        assertThat(jlive("threads", pid, "--virtual", "--json").stdout())
            .contains("\"virtual\": true")
            .doesNotContain("\"virtual\": false");
      } else {
        assertThat(virtualOnly.stdout()).contains("0 virtual threads matching held-");
        assertThat(platformOnly.stdout())
            .contains("\"held-1\"")
            .contains("3 platform threads matching held-");
      }
      CliRun both = jlive("threads", pid, "--virtual", "--platform");
      assertThat(both.exitCode()).isEqualTo(2);
      assertThat(both.stderr()).contains("--virtual and --platform exclude each other");
      app.ask("release", "released");
    }
  }

  @Test
  void classesMatchesPackagesAndSubPackages() {
    CliRun direct = jlive("classes", pid, "dev.jlive.it.apps.*");
    assertThat(direct.exitCode()).isZero();
    assertThat(direct.stdout())
        .contains("dev.jlive.it.apps.IdleApp")
        .contains("app")
        .contains("class");

    CliRun deep = jlive("classes", pid, "java.util..*Lock", "--json");
    assertThat(deep.stdout())
        .contains("java.util.concurrent.locks.ReentrantLock")
        .contains("\"loader\": \"boot\"");

    CliRun agentHidden = jlive("classes", pid, "dev.jlive..*");
    assertThat(agentHidden.stdout())
        .doesNotContain("dev.jlive.agent.Agent")
        .doesNotContain("shaded");
  }

  @Test
  void methodsListsSignaturesAndDescriptors() {
    CliRun methods = jlive("methods", pid, IdleApp.class.getName());
    assertThat(methods.exitCode()).as(methods.toString()).isZero();
    assertThat(methods.stdout())
        .contains("(loader app)")
        .contains("void main(java.lang.String[])")
        .contains("([Ljava/lang/String;)V")
        .contains("static")
        .contains("void work()");

    CliRun filtered = jlive("methods", pid, IdleApp.class.getName(), "--grep", "work");
    assertThat(filtered.exitCode()).as(filtered.toString()).isZero();
    assertThat(filtered.stdout()).contains("void work()").doesNotContain("main(");

    CliRun badRegex = jlive("methods", pid, IdleApp.class.getName(), "--grep", "(");
    assertThat(badRegex.exitCode()).isEqualTo(2);
    assertThat(badRegex.stderr()).contains("is not a regular expression");
  }
}

package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.it.apps.IdleApp;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ps, info, threads, classes and methods against a JVM on Java 25 with the agent attached. */
class InspectTest {
  private static TargetJvm target;
  private static String pid;

  @BeforeAll
  static void attach() throws Exception {
    target = TargetJvm.on(Jdk.JAVA_25).jvmArg("-XX:+EnableDynamicAgentLoading").main(IdleApp.class).start();
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
    Map<String, Object> entry = jvms.stream().filter(jvm -> jvm.get("pid").toString().equals(pid)).findFirst().orElseThrow();
    assertThat(entry).containsEntry("mainClass", IdleApp.class.getName()).containsEntry("jliveLoaded", true);
    assertThat(entry.get("javaVersion").toString()).startsWith("25");

    CliRun table = jlive("ps");
    assertThat(table.stdout()).containsPattern("(?m)^" + pid + "\\s+25\\S*\\s+yes\\s+\\S+\\s+dev.jlive.it.apps.IdleApp$");
  }

  @Test
  void infoShowsJvmAndAgent() {
    CliRun info = jlive("info", pid);
    assertThat(info.exitCode()).isZero();
    assertThat(info.stdout()).contains("main", IdleApp.class.getName()).contains("jlive ").contains("0 active").containsPattern("java\\s+25");
  }

  @Test
  void threadsShowsStatesAndStacksAndFilters() {
    CliRun threads = jlive("threads", pid, "--grep", "idle-worker");
    assertThat(threads.exitCode()).isZero();
    assertThat(threads.stdout()).contains("\"idle-worker\"").contains("dev.jlive.it.apps.IdleApp.work(IdleApp.java:")
        .contains("1 thread matching idle-worker").doesNotContain("\"main\"");

    CliRun all = jlive("threads", pid, "--json");
    assertThat(all.stdout()).contains("\"name\": \"main\"").contains("\"state\": \"TIMED_WAITING\"");
  }

  @Test
  void classesMatchesPackagesAndSubPackages() {
    CliRun direct = jlive("classes", pid, "dev.jlive.it.apps.*");
    assertThat(direct.exitCode()).isZero();
    assertThat(direct.stdout()).contains("dev.jlive.it.apps.IdleApp").contains("app").contains("class");

    CliRun deep = jlive("classes", pid, "java.util..*Lock", "--json");
    assertThat(deep.stdout()).contains("java.util.concurrent.locks.ReentrantLock").contains("\"loader\": \"boot\"");

    CliRun agentHidden = jlive("classes", pid, "dev.jlive..*");
    assertThat(agentHidden.stdout()).doesNotContain("dev.jlive.agent.Agent").doesNotContain("shaded");
  }

  @Test
  void methodsListsSignaturesAndDescriptors() {
    CliRun methods = jlive("methods", pid, IdleApp.class.getName());
    assertThat(methods.exitCode()).as(methods.toString()).isZero();
    assertThat(methods.stdout()).contains("(loader app)").contains("void main(java.lang.String[])").contains("([Ljava/lang/String;)V")
        .contains("static").contains("void work()");
  }
}

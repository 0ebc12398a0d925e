package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.it.apps.ProbeTargetApp;
import dev.jlive.it.support.AgentHttp;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.LiveChanges;
import dev.jlive.it.support.SuspendProbes;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.itapps.kotlin.KotlinApp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The probe engine on Java 25 class files and JVM, attached dynamically. */
class ProbeOnJava25Test {
  private static final String CALCULATOR = ProbeTargetApp.Calculator.class.getName();

  /**
   * The suspend functions' advice (the continuation read as the last argument, the site's own
   * dispatcher) on Java 25: a count sees logical calls, not the fragments that resume them, and a
   * metrics probe times them from first entry to completion.
   */
  @Test
  void countAndMetricsOnAKotlinSuspendFunctionSeeLogicalCalls() throws Exception {
    try (TargetJvm app =
        TargetJvm.on(Jdk.JAVA_25)
            .jvmArg("-XX:+EnableDynamicAgentLoading")
            .classPath(SuspendProbes.classPath())
            .main(KotlinApp.class)
            .start()) {
      LiveChanges jlive = LiveChanges.of(app);
      jlive.attach();
      SuspendProbes.countAndTime(jlive);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void metricsAndLogProbesWorkAndRemovalRestoresTheBytes() throws Exception {
    try (TargetJvm app =
        TargetJvm.on(Jdk.JAVA_25)
            .jvmArg("-XX:+EnableDynamicAgentLoading")
            .main(ProbeTargetApp.class)
            .start()) {
      String pid = Long.toString(app.pid());
      assertThat(jlive("attach", pid).exitCode()).isZero();
      AgentHttp agent = AgentHttp.of(app.pid());
      String original = agent.digest(CALCULATOR);

      CliRun metrics = jlive("probe", "add", pid, CALCULATOR + "#divide", "--metrics");
      assertThat(metrics.exitCode()).as(metrics.toString()).isZero();
      CliRun log =
          jlive(
              "probe",
              "add",
              pid,
              CALCULATOR + "#add(int,int)",
              "--log",
              "{a}+{b}={return}",
              "--at",
              "exit",
              "--when",
              "this.calls >= 0 && returned < 10");
      assertThat(log.exitCode()).as(log.toString()).isZero();

      assertThat(app.ask("divide 6", "divide done")).endsWith("failures=2");
      assertThat(app.ask("add 2", "add done")).isEqualTo("add done sum=3");

      Map<String, Object> counted =
          ((List<Map<String, Object>>) jlive("metrics", pid, "p1", "--json").json().get("probes"))
              .get(0);
      assertThat(counted.get("calls")).isEqualTo(6L);
      assertThat((Map<String, Object>) counted.get("exceptions"))
          .containsEntry("java.lang.ArithmeticException", 2L);
      CliRun tail = jlive("tail", pid, "p2", "--last", "10", "--count", "2", "--timeout", "20s");
      assertThat(tail.stdout())
          .contains("add(int,int) exit: 0+1=1")
          .contains("add(int,int) exit: 1+1=2");

      assertThat(jlive("detach", pid).exitCode()).isZero();
      assertThat(jlive("attach", pid).exitCode()).isZero();
      assertThat(AgentHttp.of(app.pid()).digest(CALCULATOR)).isEqualTo(original);
    }
  }
}

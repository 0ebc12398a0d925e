package dev.jlive.agent.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChildJvmsTest {
  private static final String JAR = "/opt/jlive/jlive-agent.jar";
  private static final String AGENT = "-javaagent:" + JAR + "=controller=http://ctl,service=shop";

  @Test
  void aJavaLauncherGetsTheAgentRightAfterArgvZero() {
    assertThat(
            ChildJvms.withAgent(
                List.of("/usr/lib/jvm/17/bin/java", "-Xmx1g", "-jar", "app.jar", "x"), JAR, AGENT))
        .containsExactly("/usr/lib/jvm/17/bin/java", AGENT, "-Xmx1g", "-jar", "app.jar", "x");
    assertThat(ChildJvms.withAgent(List.of("java", "Main"), JAR, AGENT))
        .containsExactly("java", AGENT, "Main");
    assertThat(ChildJvms.withAgent(List.of("C:\\jdk\\bin\\java.exe", "Main"), JAR, AGENT))
        .containsExactly("C:\\jdk\\bin\\java.exe", AGENT, "Main");
  }

  @Test
  void otherCommandsAreLeftAlone() {
    assertThat(ChildJvms.withAgent(List.of("/bin/sh", "-c", "java Main"), JAR, AGENT)).isNull();
    assertThat(ChildJvms.withAgent(List.of("/usr/bin/javac", "Main.java"), JAR, AGENT)).isNull();
    assertThat(ChildJvms.withAgent(List.of("/opt/javafoo/bin/jar"), JAR, AGENT)).isNull();
    assertThat(ChildJvms.withAgent(List.of("/opt/java"), JAR, AGENT))
        .containsExactly("/opt/java", AGENT);
    assertThat(ChildJvms.withAgent(List.of(), JAR, AGENT)).isNull();
    assertThat(ChildJvms.withAgent(null, JAR, AGENT)).isNull();
  }

  @Test
  void aJvmThatLoadsJliveAlreadyIsLeftAlone() {
    assertThat(ChildJvms.withAgent(List.of("java", "-javaagent:" + JAR, "Main"), JAR, AGENT))
        .isNull();
    assertThat(
            ChildJvms.withAgent(
                List.of("java", "-javaagent:/elsewhere/jlive-agent-0.2.jar=port=7000", "Main"),
                JAR,
                AGENT))
        .isNull();
    // Another agent does not count.
    assertThat(
            ChildJvms.withAgent(
                List.of("java", "-javaagent:/otel/opentelemetry-javaagent.jar", "Main"),
                JAR,
                AGENT))
        .containsExactly("java", AGENT, "-javaagent:/otel/opentelemetry-javaagent.jar", "Main");
  }

  @Test
  void aLauncherAskedForItsVersionOrHelpIsLeftAlone() {
    assertThat(ChildJvms.withAgent(List.of("java", "-version"), JAR, AGENT)).isNull();
    assertThat(ChildJvms.withAgent(List.of("java", "-Xmx1g", "--version"), JAR, AGENT)).isNull();
    assertThat(ChildJvms.withAgent(List.of("java", "-cp", "-version", "Main"), JAR, AGENT))
        .containsExactly("java", AGENT, "-cp", "-version", "Main");
    // The application's own arguments are its business.
    assertThat(ChildJvms.withAgent(List.of("java", "-jar", "tool.jar", "--help"), JAR, AGENT))
        .containsExactly("java", AGENT, "-jar", "tool.jar", "--help");
    assertThat(ChildJvms.withAgent(List.of("java", "Main", "-version"), JAR, AGENT))
        .containsExactly("java", AGENT, "Main", "-version");
    assertThat(ChildJvms.withAgent(List.of("java", "-m", "app/app.Main", "-h"), JAR, AGENT))
        .hasSize(5);
  }

  @Test
  void toolOptionsThatLoadJliveAreSeen() {
    assertThat(
            ChildJvms.loadsJlive(
                "-Xmx1g  -javaagent:/opt/jlive/jlive-agent.jar=controller=http://c"))
        .isTrue();
    assertThat(ChildJvms.loadsJlive("-javaagent:/otel/agent.jar")).isFalse();
    assertThat(ChildJvms.loadsJlive(null)).isFalse();
  }
}

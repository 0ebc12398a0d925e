package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.ProbeTargetApp;
import dev.jlive.it.apps.Slf4jApp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.simple.SimpleLogger;

/** Probe events reach the application's own logger and JFR recordings. */
class ProbeOutputTest {

  @Test
  void logProbeLinesGoThroughTheApplicationsSlf4j() throws Exception {
    String classPath = Artifacts.classPathWith(LoggerFactory.class, SimpleLogger.class);
    try (TargetJvm app =
        TargetJvm.on(Jdk.JAVA_17).javaagent("").classPath(classPath).main(Slf4jApp.class).start()) {
      String pid = Long.toString(app.pid());
      CliRun add =
          jlive(
              "probe", "add", pid, Slf4jApp.class.getName() + "#handle", "--log", "order={order}");
      assertThat(add.exitCode()).as(add.toString()).isZero();
      assertThat(app.ask("book-42", "handled")).isEqualTo("handled 7");
      app.awaitLine(
          "[main] INFO jlive.probe.p1 - [jlive p1] Slf4jApp#handle(java.lang.String) entry: order=\"book-42\"",
          true);

      CliRun quiet =
          jlive(
              "probe",
              "add",
              pid,
              Slf4jApp.class.getName() + "#handle",
              "--log",
              "quiet {order}",
              "--no-app-log");
      assertThat(quiet.exitCode()).isZero();
      app.ask("again", "handled");
      assertThat(
              jlive("tail", pid, "p2", "--last", "10", "--count", "1", "--timeout", "20s").stdout())
          .contains("quiet \"again\"");
      assertThat(app.stderr()).noneMatch(line -> line.contains("quiet"));
    }
  }

  @Test
  void withoutAFrameworkLogProbeLinesStayOffTheApplicationsStderr() throws Exception {
    try (TargetJvm app =
        TargetJvm.on(Jdk.JAVA_17).javaagent("").main(ProbeTargetApp.class).start()) {
      String pid = Long.toString(app.pid());
      assertThat(
              jlive(
                      "probe",
                      "add",
                      pid,
                      ProbeTargetApp.Calculator.class.getName() + "#add(int,int)",
                      "--log",
                      "{a}+{b}",
                      "--rate",
                      "100000")
                  .exitCode())
          .isZero();
      // Events are published on the calling thread: once the app answers, every line that was to be
      // written was.
      assertThat(app.ask("add 2000", "add done")).isEqualTo("add done sum=2001000");
      assertThat(
              jlive("tail", pid, "p1", "--last", "1", "--count", "1", "--timeout", "20s").stdout())
          .contains("1999+1");
      assertThat(app.stderr()).singleElement().asString().startsWith("jlive agent ");
    }
  }

  @Test
  void whenTheApplicationConfiguredJavaUtilLoggingLogProbeLinesGoThroughIt() throws Exception {
    Path config = Artifacts.work().resolve("logging-" + System.nanoTime() + ".properties");
    Files.writeString(config, "handlers=java.util.logging.ConsoleHandler\n.level=INFO\n");
    try (TargetJvm app =
        TargetJvm.on(Jdk.JAVA_17)
            .javaagent("")
            .jvmArg("-Djava.util.logging.config.file=" + config)
            .main(ProbeTargetApp.class)
            .start()) {
      String pid = Long.toString(app.pid());
      assertThat(
              jlive(
                      "probe",
                      "add",
                      pid,
                      ProbeTargetApp.Calculator.class.getName() + "#divide",
                      "--log",
                      "{dividend}/{divisor}")
                  .exitCode())
          .isZero();
      app.ask("divide 2", "divide done");
      app.awaitLine(
          "INFO: [jlive p1] ProbeTargetApp$Calculator#divide(long,long) entry: 100/1", true);
    }
  }

  @Test
  void probeEventsAreRecordedAsJfrEvents() throws Exception {
    Path recording = Artifacts.work().resolve("probes-" + System.nanoTime() + ".jfr");
    try (TargetJvm app =
        TargetJvm.on(Jdk.JAVA_17)
            .javaagent("")
            .jvmArg("-XX:StartFlightRecording:name=jlive")
            .main(ProbeTargetApp.class)
            .readyLine("ready")
            .start()) {
      String pid = Long.toString(app.pid());
      assertThat(
              jlive(
                      "probe",
                      "add",
                      pid,
                      ProbeTargetApp.Calculator.class.getName() + "#add(int,int)",
                      "--log",
                      "{a}+{b}",
                      "--no-app-log")
                  .exitCode())
          .isZero();
      app.ask("add 3", "add done");
      Process dump =
          new ProcessBuilder(
                  Jdk.JAVA_17.jcmd().toString(),
                  pid,
                  "JFR.dump",
                  "name=jlive",
                  "filename=" + recording)
              .redirectErrorStream(true)
              .start();
      String output = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(dump.waitFor(60, TimeUnit.SECONDS)).isTrue();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Files.exists(recording) && Files.size(recording) > 0);
      List<RecordedEvent> events =
          RecordingFile.readAllEvents(recording).stream()
              .filter(event -> event.getEventType().getName().equals("dev.jlive.ProbeEvent"))
              .toList();
      assertThat(events)
          .as(output)
          .extracting(event -> event.getString("message"))
          .containsExactly("0+1", "1+1", "2+1");
      assertThat(events.get(0).getString("probe")).isEqualTo("p1");
      assertThat(events.get(0).getString("method"))
          .isEqualTo("ProbeTargetApp$Calculator#add(int,int)");
    }
  }
}

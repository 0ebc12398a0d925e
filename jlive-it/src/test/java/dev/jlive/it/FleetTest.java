package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static dev.jlive.it.support.StandInController.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.FleetApp;
import dev.jlive.it.apps.Pricer;
import dev.jlive.it.support.AgentHttp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.StandInController;
import dev.jlive.it.support.StandInController.Registration;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.probe.ProbeSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The agent's side of the fleet against a stand-in controller: a JVM started with the controller
 * options registers (even when the controller comes up only after it), applies and reverts what the
 * controller desires, reports states, metrics and events, registers again when the controller lost
 * its session, passes the agent on to a child JVM, and deregisters and leaves nothing behind when
 * detached.
 */
@SuppressWarnings("unchecked")
class FleetTest {
  private static final String PRICER = Pricer.class.getName();
  private static final Path SOURCE = Paths.get("src/test/java/dev/jlive/it/apps/Pricer.java");

  @Test
  void aLinkedJvmDoesWhatTheControllerWantsAndReportsIt() throws Exception {
    try (StandInController controller = StandInController.onFreePort("fleet-secret", 200)) {
      Path tokenFile = controller.tokenFile(Artifacts.work().resolve("fleet"));
      // The controller is down when the JVM starts: the application starts regardless.
      try (TargetJvm app =
          TargetJvm.on(Jdk.JAVA_17)
              .javaagent(controller.agentOptions("shop", "zone=a;tier=web", tokenFile))
              .main(FleetApp.class)
              .start()) {
        String original = AgentHttp.of(app.pid()).digest(PRICER);
        assertThat(app.stderr())
            .singleElement()
            .asString()
            .endsWith("controller " + controller.url() + " service shop");
        controller.start();
        Registration first =
            waitFor()
                .until(
                    () -> registrationOf(controller, app.pid()),
                    registration -> registration != null);
        assertThat(first.service()).isEqualTo("shop");
        assertThat(first.body().labels()).isEqualTo(Map.of("zone", "a", "tier", "web"));
        assertThat(first.body().javaVersion()).isEqualTo(System.getProperty("java.version"));
        assertThat(first.body().agentVersion()).isNotBlank();
        assertThat(first.body().host()).isNotBlank();
        assertThat(first.body().protocolVersion()).isEqualTo(FleetApi.PROTOCOL_VERSION);
        String process = first.process();

        // A probe, a log probe and a patch, through the same engines as local requests.
        controller.desire(
            List.of(
                change(
                    "c-metrics",
                    ChangeKind.PROBE,
                    ProbeSpec.builder(PRICER + "#price", ProbeSpec.Kind.METRICS).build().toJson(),
                    "alice"),
                change(
                    "c-log",
                    ChangeKind.PROBE,
                    ProbeSpec.builder(PRICER + "#quotes", ProbeSpec.Kind.LOG)
                        .template("quoted")
                        .appLog(false)
                        .build()
                        .toJson(),
                    "alice"),
                change(
                    "c-patch",
                    ChangeKind.PATCH,
                    PatchRequest.ofSources(
                            List.of(new PatchRequest.Source("Pricer.java", patchedSource())))
                        .build()
                        .toJson(),
                    "bob"),
                change(
                    "c-bad",
                    ChangeKind.PROBE,
                    ProbeSpec.builder("dev.jlive.it.apps.NoSuchClass#run", ProbeSpec.Kind.COUNT)
                        .build()
                        .toJson(),
                    "carol")));
        for (String id : List.of("c-metrics", "c-log", "c-patch")) {
          waitFor()
              .until(
                  () -> controller.state(process, id),
                  state -> state != null && state.state() == ProcessState.APPLIED);
        }
        ChangeReport bad =
            waitFor().until(() -> controller.state(process, "c-bad"), state -> state != null);
        assertThat(bad.state()).isEqualTo(ProcessState.FAILED);
        assertThat(bad.message()).contains("NoSuchClass").contains("(hint: ");
        assertThat(app.ask("price 3", "price")).startsWith("price 31 ");
        Map<String, Object> metrics =
            waitFor()
                .until(
                    () -> controller.metrics(process, "c-metrics"),
                    entry -> entry != null && ((Number) entry.get("calls")).longValue() >= 1);
        assertThat(metrics).containsEntry("kind", "metrics").containsKey("latency");
        List<Map<String, Object>> events =
            waitFor().until(controller::events, list -> !list.isEmpty());
        assertThat(events.get(0))
            .containsEntry("change", "c-log")
            .containsEntry("message", "quoted")
            .containsEntry("process", process);
        // The controller saw the patch wait for its safe point before it was applied.
        assertThat(controller.syncs())
            .anySatisfy(
                sync ->
                    assertThat(sync.body().changes())
                        .containsEntry("c-patch", ChangeReport.of(ProcessState.WAITING)));

        // Recorded locally like any change; info shows the link.
        List<Map<String, Object>> ledger =
            (List<Map<String, Object>>) AgentHttp.of(app.pid()).json("/v1/changes").get("changes");
        assertThat(ledger)
            .extracting(entry -> entry.get("author"))
            .containsExactly("alice via controller", "alice via controller", "bob via controller");
        Map<String, Object> link =
            (Map<String, Object>)
                ((Map<String, Object>) AgentHttp.of(app.pid()).json("/v1/info").get("agent"))
                    .get("controller");
        assertThat(link)
            .containsEntry("url", controller.url())
            .containsEntry("service", "shop")
            .containsEntry("process", process)
            .containsEntry("connected", true);

        // The controller lost the session: the agent registers again and keeps what it applied.
        controller.forget(process);
        String second =
            waitFor()
                .until(
                    () ->
                        controller.registrations().stream()
                            .filter(
                                r ->
                                    r.instance().equals(first.instance())
                                        && !r.process().equals(process))
                            .map(Registration::process)
                            .findFirst()
                            .orElse(null),
                    id -> id != null);
        waitFor()
            .until(
                () -> controller.state(second, "c-patch"),
                state -> state != null && state.state() == ProcessState.APPLIED);
        assertThat(AgentHttp.of(app.pid()).json("/v1/changes").get("changes")).asList().hasSize(3);

        // Changes that leave the desired list are taken back.
        controller.desire(
            List.of(
                change(
                    "c-log",
                    ChangeKind.PROBE,
                    ProbeSpec.builder(PRICER + "#quotes", ProbeSpec.Kind.LOG)
                        .template("quoted")
                        .appLog(false)
                        .build()
                        .toJson(),
                    "alice")));
        for (String id : List.of("c-metrics", "c-patch")) {
          waitFor()
              .until(
                  () -> controller.state(second, id),
                  state -> state != null && state.state() == ProcessState.REVERTED);
        }
        assertThat(app.ask("price 3", "price")).startsWith("price 30 ");
        controller.desire(List.of());
        waitFor()
            .until(
                () -> controller.state(second, "c-log"),
                state -> state != null && state.state() == ProcessState.REVERTED);
        assertThat(AgentHttp.of(app.pid()).digest(PRICER)).isEqualTo(original);

        // Detach: deregistered, and nothing of the agent is left behind.
        assertThat(jlive("detach", Long.toString(app.pid())).exitCode()).isZero();
        waitFor().until(controller::deregistered, list -> list.contains(second));
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () ->
                    ClassLoaderLeakTest.liveInstances(
                        Jdk.JAVA_17,
                        Long.toString(app.pid()),
                        "dev.jlive.agent.launcher.CoreClassLoader"),
                count -> count == 0);
        // ProcessBuilder has its own code back: a child started now gets no agent.
        assertThat(app.ask("spawn", "spawned")).endsWith("agent=false commandKept=true");
      }
    }
  }

  /** On 17 and 25: ProcessBuilder's internals are the JDK's, and the advice must fit each. */
  @ParameterizedTest
  @EnumSource(Jdk.class)
  void aChildJvmInheritsTheAgentAndRegistersWithTheSameService(Jdk jdk) throws Exception {
    try (StandInController controller = StandInController.onFreePort("fleet-secret", 200).start()) {
      Path tokenFile = controller.tokenFile(Artifacts.work().resolve("fleet"));
      try (TargetJvm app =
          TargetJvm.on(jdk)
              .javaagent(controller.agentOptions("billing", "zone=b", tokenFile))
              .main(FleetApp.class)
              .start()) {
        waitFor()
            .until(
                () -> registrationOf(controller, app.pid()), registration -> registration != null);
        String spawned = app.ask("spawn", "spawned");
        assertThat(spawned).endsWith("agent=true commandKept=true");
        String execed = app.ask("exec", "execed");
        assertThat(execed).endsWith("agent=true");
        List<Long> children =
            List.of(Long.parseLong(spawned.split(" ")[1]), Long.parseLong(execed.split(" ")[1]));
        try {
          for (long child : children) {
            Registration registration =
                waitFor().until(() -> registrationOf(controller, child), r -> r != null);
            assertThat(registration.service()).isEqualTo("billing");
            assertThat(registration.body().labels()).isEqualTo(Map.of("zone", "b"));
            assertThat(registration.instance())
                .isNotEqualTo(registrationOf(controller, app.pid()).instance());
          }
        } finally {
          children.forEach(child -> ProcessHandle.of(child).ifPresent(ProcessHandle::destroy));
        }
      }
    }
  }

  @Test
  void aProcessThatDoesNotGetTheAgentDoesNotGetTheControllerTokenOfTheEnvironment()
      throws Exception {
    try (StandInController controller = StandInController.onFreePort("fleet-secret", 200).start()) {
      Path tokenFile = controller.tokenFile(Artifacts.work().resolve("fleet-env"));
      try (TargetJvm linked =
          TargetJvm.on(Jdk.JAVA_17)
              .env(FleetApi.ENV_CONTROLLER_TOKEN, "leaked-token")
              .javaagent(controller.agentOptions("billing", null, tokenFile))
              .main(FleetApp.class)
              .start()) {
        waitFor()
            .until(
                () -> registrationOf(controller, linked.pid()),
                registration -> registration != null);
        // A shell is no child JVM of the service: it starts without the token; the application's
        // builder has it back afterwards.
        assertThat(linked.ask("envchild", "envchild")).isEqualTo("envchild token=none kept=true");
      }
      // Negative control: the same application without the agent passes the token on.
      try (TargetJvm alone =
          TargetJvm.on(Jdk.JAVA_17)
              .env(FleetApi.ENV_CONTROLLER_TOKEN, "leaked-token")
              .main(FleetApp.class)
              .start()) {
        assertThat(alone.ask("envchild", "envchild"))
            .isEqualTo("envchild token=leaked-token kept=true");
      }
    }
  }

  private static ConditionFactory waitFor() {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50));
  }

  private static Registration registrationOf(StandInController controller, long pid) {
    return controller.registrations().stream()
        .filter(registration -> registration.pid() == pid)
        .findFirst()
        .orElse(null);
  }

  private static String patchedSource() throws Exception {
    String source = Files.readString(SOURCE, StandardCharsets.UTF_8);
    assertThat(source).contains("quantity * 10;");
    return source.replace("quantity * 10;", "quantity * 10 + 1;");
  }
}

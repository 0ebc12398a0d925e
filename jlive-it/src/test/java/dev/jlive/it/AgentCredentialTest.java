package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.PatchTargetApp;
import dev.jlive.it.support.AgentHttp;
import dev.jlive.it.support.FleetFixture;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Real agents and their credentials: an agent holding another service's credential is refused (and
 * says why in its status), while the same application with its own service's credential joins.
 */
class AgentCredentialTest {

  @Test
  void anAgentWithAnotherServicesCredentialIsRefusedAndSaysWhy() throws Exception {
    try (FleetFixture fleet = FleetFixture.startOnOwnZooKeeper("credentials")) {
      Path shopCredential = FleetFixture.agentTokenFile(fleet.controller(), "shop");
      String wrong =
          "controller="
              + fleet.url()
              + ",service=web,controllerTokenFile="
              + shopCredential
              + ",quiet";
      try (TargetJvm intruder =
          TargetJvm.on(Jdk.JAVA_17).javaagent(wrong).main(PatchTargetApp.class).start()) {
        // The control: the same application with web's own credential joins web.
        TargetJvm member = fleet.join("web", null);
        fleet.awaitProcesses("web", member);
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(Json.write(AgentHttp.of(intruder.pid()).json("/v1/info")))
                        .contains("registering a process of web needs agent@web"));
        fleet.awaitProcesses("web", member);
      }
    }
  }
}

package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.it.apps.IdleApp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.Discovery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The endpoint is loopback-only, token-protected, and its token is readable by the owner only. */
class SecurityTest {
  private static TargetJvm target;
  private static Discovery discovery;

  @BeforeAll
  static void startTarget() throws Exception {
    target = TargetJvm.on(Jdk.JAVA_17).javaagent("").main(IdleApp.class).start();
    discovery = Discovery.read(Artifacts.runtimeDir(), target.pid()).orElseThrow();
  }

  @AfterAll
  static void stopTarget() throws Exception {
    target.close();
  }

  @Test
  void everyRequestWithoutTheRightTokenGets401() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI info = URI.create("http://127.0.0.1:" + discovery.port() + "/v1/info");

    HttpResponse<String> none =
        http.send(HttpRequest.newBuilder(info).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).contains("\"code\":\"UNAUTHORIZED\"");

    HttpResponse<String> wrong =
        http.send(
            HttpRequest.newBuilder(info)
                .header("Authorization", "Bearer " + discovery.token() + "x")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(wrong.statusCode()).isEqualTo(401);

    HttpResponse<String> detach =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + discovery.port() + "/v1/detach"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(detach.statusCode()).isEqualTo(401);

    HttpResponse<String> right =
        http.send(
            HttpRequest.newBuilder(info)
                .header("Authorization", "Bearer " + discovery.token())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(right.statusCode()).isEqualTo(200);
  }

  @Test
  void theDiscoveryFileIsReadableByItsOwnerOnly() throws Exception {
    Path file = Discovery.fileFor(Artifacts.runtimeDir(), target.pid());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Artifacts.runtimeDir())))
        .isEqualTo("rwx------");
    assertThat(discovery.host()).isEqualTo("127.0.0.1");
    assertThat(discovery.token()).hasSizeGreaterThanOrEqualTo(40);
  }

  @Test
  void theCliReportsAWrongTokenForARemoteAgent() throws Exception {
    Path tokenFile =
        Files.writeString(Artifacts.work().resolve("wrong.token"), "not-the-token-at-all");
    CliRun run =
        jlive(
            "info",
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(discovery.port()),
            "--token-file",
            tokenFile.toString());
    assertThat(run.exitCode()).isEqualTo(7);
    assertThat(run.stderr()).contains("refused the token").contains("--token-file");

    Path rightFile = Files.writeString(Artifacts.work().resolve("right.token"), discovery.token());
    CliRun ok =
        jlive(
            "info",
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(discovery.port()),
            "--token-file",
            rightFile.toString(),
            "--json");
    assertThat(ok.exitCode()).as(ok.toString()).isZero();
    assertThat(ok.stdout()).contains("\"pid\": " + target.pid());
  }

  @Test
  void theEndpointRefusesToListenBeyondLoopback() throws Exception {
    try (TargetJvm exposed =
        TargetJvm.on(Jdk.JAVA_17).javaagent("host=0.0.0.0").main(IdleApp.class).start()) {
      assertThat(Discovery.fileFor(Artifacts.runtimeDir(), exposed.pid())).doesNotExist();
      exposed.awaitLine("jlive: agent not started", true);
      assertThat(exposed.stderr()).anyMatch(line -> line.contains("binds to loopback only"));
      assertThat(exposed.ask("ping", "pong")).isEqualTo("pong");
    }
  }
}

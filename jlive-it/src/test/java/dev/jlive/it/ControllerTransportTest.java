package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.controller.Controller;
import dev.jlive.controller.ControllerConfig;
import dev.jlive.it.apps.PatchTargetApp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.FleetFixture;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.RuntimeDirectory;
import dev.jlive.protocol.TrustedCertificates;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How agents and the CLI reach a controller: plain {@code http://} to another machine is refused
 * unless allowed explicitly (it would carry the token and the changes in clear), and {@code
 * https://} to a controller with a self-signed certificate works for an agent and the CLI given
 * that certificate ({@code controllerTrustStore}, {@code --controller-trust-store}), and fails
 * without it.
 */
@SuppressWarnings("unchecked")
class ControllerTransportTest {
  private static TestingServer zooKeeper;

  @BeforeAll
  static void start() throws Exception {
    zooKeeper = new TestingServer(true);
  }

  @AfterAll
  static void stop() throws Exception {
    zooKeeper.close();
  }

  @Test
  void plainHttpToAnotherMachineIsRefusedByAgentAndCliUnlessAllowed() throws Exception {
    String address = nonLoopbackAddress();
    Assumptions.assumeTrue(address != null, "this machine has no non-loopback IPv4 address");
    Path dataDir = FleetFixture.tempDir("plain");
    // The controller itself may serve plain HTTP on a wide address only when told so.
    try (Controller controller =
        Controller.start(
            new ControllerConfig(
                "0.0.0.0",
                0,
                dataDir,
                zooKeeper.getConnectString(),
                null,
                Duration.ofSeconds(1),
                null,
                null,
                true,
                null,
                null))) {
      String url = "http://" + address + ":" + controller.port();
      String tokenFile = controller.tokenFile().toString();
      String options =
          "controller="
              + url
              + ",service=plain,controllerTokenFile="
              + FleetFixture.agentTokenFile(controller, "plain");

      try (TargetJvm refused =
          TargetJvm.on(Jdk.JAVA_17).javaagent(options).main(PatchTargetApp.class).start()) {
        refused.awaitLine("jlive: agent not started", true);
        assertThat(String.join("\n", refused.stderr()))
            .contains("refusing plain http:// to the controller at " + address)
            .contains("allowPlainHttp=true");
      }
      CliRun cliRefused =
          CliRun.jlive("services", "--controller", url, "--controller-token-file", tokenFile);
      assertThat(cliRefused.exitCode()).as(cliRefused.toString()).isEqualTo(2);
      assertThat(cliRefused.stderr())
          .contains("refusing plain http:// to the controller at " + address)
          .contains("--allow-plain-http");

      // Allowed explicitly: the agent joins and the CLI sees it.
      try (TargetJvm allowed =
          TargetJvm.on(Jdk.JAVA_17)
              .javaagent(options + ",allowPlainHttp=true,quiet")
              .main(PatchTargetApp.class)
              .start()) {
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  CliRun run =
                      CliRun.jlive(
                          "processes",
                          "plain",
                          "--json",
                          "--controller",
                          url,
                          "--controller-token-file",
                          tokenFile,
                          "--allow-plain-http");
                  assertThat(run.exitCode()).as(run.toString()).isZero();
                  assertThat(
                          ((List<Map<String, Object>>) run.json().get("processes"))
                              .stream().map(process -> ((Number) process.get("pid")).longValue()))
                      .containsExactly(allowed.pid());
                });
      }
    }
  }

  @Test
  void anAgentJoinsAControllerWithASelfSignedCertificateWhenGivenIt() throws Exception {
    // An ensemble of its own: users are the ensemble's, and the other test's controller made its
    // admin there first.
    try (TestingServer tlsZooKeeper = new TestingServer(true)) {
      runTlsCase(tlsZooKeeper);
    }
  }

  private static void runTlsCase(TestingServer tlsZooKeeper) throws Exception {
    Path dir = FleetFixture.tempDir("tls");
    Path keystore = dir.resolve("controller.p12");
    Path certificate = dir.resolve("controller.pem");
    String password = "changeit-for-test";
    keytool(
        "-genkeypair",
        "-alias",
        "controller",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=jlive-controller",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        password,
        "-keypass",
        password);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "controller",
        "-keystore",
        keystore.toString(),
        "-storepass",
        password,
        "-file",
        certificate.toString());
    try (Controller controller =
        Controller.start(
            new ControllerConfig(
                "127.0.0.1",
                0,
                dir.resolve("data"),
                tlsZooKeeper.getConnectString(),
                null,
                Duration.ofSeconds(1),
                keystore,
                password.toCharArray(),
                false,
                null,
                null))) {
      assertThat(controller.url()).startsWith("https://");
      // The CLI, like the agent, needs the certificate to trust this controller.
      CliRun untrustingCli =
          CliRun.jlive(
              "services",
              "--controller",
              controller.url(),
              "--controller-token-file",
              controller.tokenFile().toString());
      assertThat(untrustingCli.exitCode()).as(untrustingCli.toString()).isNotZero();
      assertThat(processes(controller, certificate, "trusting")).isEmpty();
      // Agents of either service may use this credential: the test is about the transport.
      HttpClient trustingClient =
          HttpClient.newBuilder()
              .sslContext(TrustedCertificates.context(certificate, "the test certificate"))
              .build();
      String agentToken = FleetFixture.addUser(controller, trustingClient, "agents", "agent");
      Path agentTokenFile = dir.resolve("agent-token");
      Files.writeString(agentTokenFile, agentToken + "\n");
      Files.setPosixFilePermissions(agentTokenFile, PosixFilePermissions.fromString("rw-------"));
      String options =
          "controller="
              + controller.url()
              + ",controllerTokenFile="
              + agentTokenFile
              + ",quiet,service=";

      // Negative control: without the certificate the agent cannot trust the controller.
      try (TargetJvm untrusting =
          TargetJvm.on(Jdk.JAVA_17)
              .javaagent(options + "untrusting")
              .main(PatchTargetApp.class)
              .start()) {
        Path log =
            RuntimeDirectory.ensure(Artifacts.runtimeDir()).resolve(untrusting.pid() + ".log");
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    Files.exists(log)
                        && Files.readString(log).contains("PKIX path building failed"));
        assertThat(processes(controller, certificate, "untrusting")).isEmpty();
      }

      try (TargetJvm trusting =
          TargetJvm.on(Jdk.JAVA_17)
              .javaagent(options + "trusting,controllerTrustStore=" + certificate)
              .main(PatchTargetApp.class)
              .start()) {
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(processes(controller, certificate, "trusting"))
                        .containsExactly(trusting.pid()));
      }
    }
  }

  /**
   * The pids of a service's live processes, asked by the CLI over https trusting {@code
   * certificate}; none when the service does not exist yet (nobody registered).
   */
  private static List<Long> processes(Controller controller, Path certificate, String service) {
    CliRun run =
        CliRun.jlive(
            "processes",
            service,
            "--json",
            "--controller",
            controller.url(),
            "--controller-token-file",
            controller.tokenFile().toString(),
            "--controller-trust-store",
            certificate.toString());
    if (run.exitCode() != 0 && (run.stdout() + run.stderr()).contains("UNKNOWN_SERVICE")) {
      return List.of();
    }
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return ((List<Map<String, Object>>) run.json().get("processes"))
        .stream().map(process -> ((Number) process.get("pid")).longValue()).toList();
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
  }

  /** An IPv4 address of this machine that is not loopback, or null. */
  private static String nonLoopbackAddress() throws Exception {
    for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!network.isUp() || network.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(network.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return address.getHostAddress();
        }
      }
    }
    return null;
  }
}

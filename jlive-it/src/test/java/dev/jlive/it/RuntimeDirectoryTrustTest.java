package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.jlive.it.apps.IdleApp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.Discovery;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.RuntimeDirectory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The runtime directory lives in a shared place ({@code /tmp}), so another local user may get there
 * first: make the folder, plant a link under a name the agent will write, leave a discovery file
 * that points at an endpoint of theirs, or swap the agent jar. Each case is played with real users
 * (the tests run as root and act as {@code nobody} and {@code daemon} through setpriv) and must end
 * in a refusal that says what was found and what to do, with nothing written, followed or sent.
 */
class RuntimeDirectoryTrustTest {
  private final List<Path> toRemove = new ArrayList<>();

  @AfterEach
  void removeWhatTheTestMade() throws IOException {
    for (Path path : toRemove) {
      if (Files.isSymbolicLink(path) || Files.isRegularFile(path)) {
        Files.deleteIfExists(path);
      } else if (Files.isDirectory(path)) {
        try (Stream<Path> tree = Files.walk(path)) {
          for (Path each : tree.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(each);
          }
        }
      }
    }
  }

  @Test
  void aRuntimeDirectoryAnotherUserMadeFirstIsRefusedByAttach() throws Exception {
    requireRootAndSetpriv();
    Path planted = Paths.get("/tmp", "jlive-trust-" + UUID.randomUUID());
    toRemove.add(planted);
    asUser("nobody", "nogroup", "mkdir", "-m", "0777", planted.toString());

    try (TargetJvm target =
        TargetJvm.on(Jdk.JAVA_17)
            .jvmArg("-Djlive.runtimeDir=" + planted)
            .main(IdleApp.class)
            .start()) {
      CliRun run =
          cliProcess(
              List.of("-Djlive.runtimeDir=" + planted), "attach", Long.toString(target.pid()));

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
      assertThat(run.stdout() + run.stderr())
          .contains("the jlive runtime directory " + planted + " is owned by nobody, not by root")
          .contains("rm -r " + planted)
          .contains("JLIVE_RUNTIME_DIR");
      // Nothing was put there for nobody to swap or read: no agent jar, no discovery file.
      try (Stream<Path> files = Files.list(planted)) {
        assertThat(files).isEmpty();
      }
      assertThat(target.ask("ping", "pong")).isEqualTo("pong");
    }
  }

  @Test
  void aLinkPlantedInPlaceOfTheAgentLogIsNotFollowed() throws Exception {
    try (TargetJvm target = TargetJvm.on(Jdk.JAVA_17).main(IdleApp.class).start()) {
      Path victim =
          Files.writeString(Artifacts.work().resolve("victim-" + target.pid()), "root only\n");
      toRemove.add(victim);
      Path log = RuntimeDirectory.ensure(Artifacts.runtimeDir()).resolve(target.pid() + ".log");
      Files.createSymbolicLink(log, victim);
      toRemove.add(log);
      toRemove.add(Artifacts.runtimeDir().resolve(target.pid() + ".error"));

      CliRun run = jlive("attach", Long.toString(target.pid()));

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
      assertThat(run.stderr())
          .contains("the agent did not start in pid " + target.pid())
          .contains(log + " is a symbolic link (to " + victim + ")")
          .contains("rm " + log);
      assertThat(victim).hasContent("root only");
      assertThat(Discovery.fileFor(Artifacts.runtimeDir(), target.pid())).doesNotExist();
    }
  }

  @Test
  void aDiscoveryFileOwnedByAnotherUserIsRefusedAndNothingIsSentToIt() throws Exception {
    requireRootAndSetpriv();
    try (TargetJvm target = TargetJvm.on(Jdk.JAVA_17).main(IdleApp.class).start();
        FakeAgent fake = new FakeAgent()) {
      Path file = fake.discovery(target.pid()).writeTo(Artifacts.runtimeDir());
      toRemove.add(file);
      Files.setOwner(file, user("nobody"));

      CliRun run = jlive("info", Long.toString(target.pid()));

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
      assertThat(run.stderr())
          .contains(file + " is owned by nobody, not by root")
          .contains("rm " + file);
      assertThat(fake.requests).isEmpty();
    }
  }

  @Test
  void aDiscoveryFileInAFolderAnotherUserMadeIsRefusedAndNothingIsSentToIt() throws Exception {
    requireRootAndSetpriv();
    Path planted = Paths.get("/tmp", "jlive-trust-" + UUID.randomUUID());
    toRemove.add(planted);
    asUser("nobody", "nogroup", "mkdir", "-m", "0700", planted.toString());
    try (TargetJvm target = TargetJvm.on(Jdk.JAVA_17).main(IdleApp.class).start();
        FakeAgent fake = new FakeAgent()) {
      Path staging =
          Files.writeString(
              Artifacts.work().resolve("fake-" + target.pid() + ".json"),
              Json.writePretty(fake.discovery(target.pid()).toJson()));
      toRemove.add(staging);
      Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rw-r--r--"));
      asUser(
          "nobody",
          "nogroup",
          "install",
          "-m",
          "0600",
          staging.toString(),
          planted.resolve(target.pid() + ".json").toString());

      CliRun run =
          cliProcess(List.of("-Djlive.runtimeDir=" + planted), "info", Long.toString(target.pid()));

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
      assertThat(run.stdout() + run.stderr())
          .contains("the jlive runtime directory " + planted + " is owned by nobody, not by root");
      assertThat(fake.requests).isEmpty();
    }
  }

  @Test
  void aLinkInPlaceOfADiscoveryFileIsRefusedAndNothingIsSentToIt() throws Exception {
    try (TargetJvm target = TargetJvm.on(Jdk.JAVA_17).main(IdleApp.class).start();
        FakeAgent fake = new FakeAgent()) {
      Path elsewhere =
          Files.createDirectories(Artifacts.work().resolve("elsewhere-" + target.pid()));
      toRemove.add(elsewhere);
      Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwx------"));
      Path real = fake.discovery(target.pid()).writeTo(elsewhere);
      Path link =
          Files.createSymbolicLink(
              Discovery.fileFor(RuntimeDirectory.ensure(Artifacts.runtimeDir()), target.pid()),
              real);
      toRemove.add(link);

      CliRun run = jlive("info", Long.toString(target.pid()));

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
      assertThat(run.stderr()).contains(link + " is a symbolic link (to " + real + ")");
      assertThat(fake.requests).isEmpty();
    }
  }

  @Test
  void anAgentJarOtherThanTheOneMeantIsRefusedByTheAgent() throws Exception {
    String otherDigest = "0".repeat(64);
    try (TargetJvm target =
        TargetJvm.on(Jdk.JAVA_17)
            .javaagent("agentSha256=" + otherDigest)
            .main(IdleApp.class)
            .start()) {
      target.awaitLine("jlive: agent not started", true);

      assertThat(target.stderr())
          .anyMatch(
              line ->
                  line.contains(
                          "the agent jar "
                              + Artifacts.agentJar()
                              + " is not the one jlive meant to load")
                      && line.contains("expected " + otherDigest));
      assertThat(Discovery.fileFor(Artifacts.runtimeDir(), target.pid())).doesNotExist();
      assertThat(target.ask("ping", "pong")).isEqualTo("pong");
    }
  }

  @Test
  void theAgentJarTheCliMeantIsAccepted() throws Exception {
    // The negative control of the test above: the digest of the real jar lets the agent start.
    String digest = sha256(Artifacts.agentJar());
    try (TargetJvm target =
        TargetJvm.on(Jdk.JAVA_17).javaagent("agentSha256=" + digest).main(IdleApp.class).start()) {
      target.awaitLine("jlive agent", true);
      assertThat(Discovery.read(Artifacts.runtimeDir(), target.pid())).isPresent();
    }
  }

  @Test
  void aDiscoveryFileLeftByAKilledJvmIsRemovedByTheNextPs() throws Exception {
    Path file;
    long pid;
    try (TargetJvm target =
        TargetJvm.on(Jdk.JAVA_17).javaagent("quiet").main(IdleApp.class).start()) {
      pid = target.pid();
      file = Discovery.fileFor(Artifacts.runtimeDir(), pid);
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file));
      target.process().destroyForcibly();
      assertThat(target.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    toRemove.add(file);
    // kill -9 runs no shutdown hook: the file and its token stay behind.
    assertThat(file).exists();

    CliRun run = jlive("ps");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stderr())
        .contains("removed stale discovery file " + file + ": pid " + pid + " no longer runs");
    assertThat(file).doesNotExist();
  }

  @Test
  void aDiscoveryFileOfAReusedPidIsRemovedWhenThePidIsNamed() throws Exception {
    try (TargetJvm target = TargetJvm.on(Jdk.JAVA_17).main(IdleApp.class).start();
        FakeAgent fake = new FakeAgent()) {
      // What a JVM that ran under the same pid a minute earlier and was killed would have left.
      Discovery earlier =
          new Discovery(
              target.pid(),
              "127.0.0.1",
              fake.port(),
              "left-behind-token-0123456789",
              "0",
              1,
              Discovery.processStartMillis(target.pid()) - 60_000,
              0);
      Path file = earlier.writeTo(Artifacts.runtimeDir());
      toRemove.add(file);

      CliRun run = jlive("info", Long.toString(target.pid()));

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(5);
      assertThat(run.stderr())
          .contains(
              "removed stale discovery file "
                  + file
                  + ": pid "
                  + target.pid()
                  + " now belongs to a process started at")
          .contains("jlive is not loaded in pid " + target.pid());
      assertThat(file).doesNotExist();
      assertThat(fake.requests).isEmpty();
    }
  }

  @Test
  void rootAttachesToAnotherUsersJvmAndReadsWhatThatUsersAgentWrote() throws Exception {
    requireRootAndSetpriv();
    Path tmp = stickyTmp();
    try (TargetJvm target = asNobody(tmp)) {
      CliRun attach =
          cliProcess(List.of("-Djava.io.tmpdir=" + tmp), "attach", Long.toString(target.pid()));
      assertThat(attach.exitCode()).as(attach.toString()).isZero();

      Path runtimeDir = tmp.resolve("jlive-nobody");
      Path file = Discovery.fileFor(runtimeDir, target.pid());
      UserPrincipal nobody = user("nobody");
      assertThat(Files.getOwner(runtimeDir)).isEqualTo(nobody);
      assertThat(Files.getOwner(file)).isEqualTo(nobody);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");

      CliRun info =
          cliProcess(
              List.of("-Djava.io.tmpdir=" + tmp), "info", Long.toString(target.pid()), "--json");
      assertThat(info.exitCode()).as(info.toString()).isZero();
      assertThat(info.stdout()).contains("\"pid\": " + target.pid());
    }
  }

  @Test
  void rootRefusesToAttachWhenAnotherUserMadeTheTargetUsersRuntimeDirectory() throws Exception {
    requireRootAndSetpriv();
    Path tmp = stickyTmp();
    Path planted = tmp.resolve("jlive-nobody");
    asUser("daemon", "daemon", "mkdir", "-m", "0777", planted.toString());
    try (TargetJvm target = asNobody(tmp)) {
      CliRun attach =
          cliProcess(List.of("-Djava.io.tmpdir=" + tmp), "attach", Long.toString(target.pid()));

      assertThat(attach.exitCode()).as(attach.toString()).isEqualTo(1);
      assertThat(attach.stdout() + attach.stderr())
          .contains("the jlive runtime directory " + planted + " is owned by daemon, not by nobody")
          .contains("rm -r " + planted);
      try (Stream<Path> files = Files.list(planted)) {
        assertThat(files).isEmpty();
      }
    }
  }

  /** A stand-in for a user's /tmp: world-writable and sticky, under the tests' own folder. */
  private Path stickyTmp() throws Exception {
    Path tmp = Artifacts.work().resolve("tmp-" + UUID.randomUUID());
    Files.createDirectories(tmp);
    toRemove.add(tmp);
    run("chmod", "1777", tmp.toString());
    return tmp;
  }

  private static TargetJvm asNobody(Path tmp) throws IOException {
    return TargetJvm.on(Jdk.JAVA_17)
        .via("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups")
        // Blank: the agent falls back to <tmpdir>/jlive-nobody, like a JVM started without jlive
        // settings.
        .jvmArg("-Djlive.runtimeDir=")
        .jvmArg("-Djava.io.tmpdir=" + tmp)
        .main(IdleApp.class)
        .start();
  }

  /** Runs the CLI jar as root in a JVM of its own, so that it sees only the settings given. */
  private static CliRun cliProcess(List<String> jvmArgs, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Jdk.JAVA_17.java().toString()));
    command.addAll(jvmArgs);
    command.addAll(List.of("-jar", Artifacts.cliJar().toString()));
    command.addAll(List.of(args));
    Process cli = new ProcessBuilder(command).start();
    byte[] err = cli.getErrorStream().readAllBytes();
    byte[] out = cli.getInputStream().readAllBytes();
    assertThat(cli.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new CliRun(
        cli.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  private static void asUser(String user, String group, String... command) throws Exception {
    List<String> full =
        new ArrayList<>(
            List.of("/usr/bin/setpriv", "--reuid=" + user, "--regid=" + group, "--clear-groups"));
    full.addAll(List.of(command));
    run(full.toArray(String[]::new));
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
  }

  private static void requireRootAndSetpriv() {
    Assumptions.assumeTrue(
        System.getProperty("user.name").equals("root")
            && Files.isExecutable(Paths.get("/usr/bin/setpriv")),
        "needs root and setpriv to act as other users");
  }

  private static UserPrincipal user(String name) throws IOException {
    return Paths.get("/")
        .getFileSystem()
        .getUserPrincipalLookupService()
        .lookupPrincipalByName(name);
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  /**
   * An endpoint another user could run: it records every request, and with it the token it was
   * sent.
   */
  private static final class FakeAgent implements AutoCloseable {
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    FakeAgent() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/",
          exchange -> {
            requests.add(
                exchange.getRequestMethod()
                    + " "
                    + exchange.getRequestURI()
                    + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
          });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    Discovery discovery(long pid) {
      return new Discovery(pid, "127.0.0.1", port(), "fake-agent-token-0123456789", "0", 1);
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}

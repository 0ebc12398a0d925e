package dev.jlive.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.controller.store.ZooKeeperAccess;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.fleet.RegisterAnswer;
import dev.jlive.protocol.fleet.RegisterBody;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only controllers can read or write jlive's nodes in ZooKeeper: a client without credentials or
 * with the wrong ones is refused by the embedded server and by the ACLs on every node; an external
 * ensemble is locked the same way with the operator's {@code --zk-auth}; and without credentials
 * (the negative control) the same probes do read and write, so the harness would see a breach.
 */
class ZooKeeperLockdownTest {
  private static final String SELECTOR = "com.acme.Cart#add";

  @TempDir Path dir;

  @Test
  void theEmbeddedServerLetsNoClientWithoutTheControllersPasswordReadOrWrite() throws Exception {
    Path dataDir = dir.resolve("controller");
    try (Controller controller = Controller.start(ControllerConfig.defaults(dataDir))) {
      String change = addChange(controller, "shop");
      String connect = controller.zooKeeper().replace("embedded at ", "");
      String changePath = FleetApiPaths.change("shop", change);
      // A node another part of the controller adds (a user's token hash, say) through a client of
      // the same access: it gets the ACL too.
      ZooKeeperAccess access = ZooKeeperAccess.fromFile(dataDir.resolve("zookeeper-auth"));
      try (CuratorFramework own =
          access.clientBuilder(connect).retryPolicy(new RetryOneTime(100)).build()) {
        own.start();
        own.create()
            .creatingParentsIfNeeded()
            .forPath("/jlive/users/alice", "token-hash".getBytes(StandardCharsets.UTF_8));
      }

      // Positive control: the controllers' own credentials read the change.
      try (ZooKeeper right = connect(connect, controllersDigest(dataDir))) {
        assertThat(new String(right.getData(changePath, false, null), StandardCharsets.UTF_8))
            .contains(SELECTOR);
      }

      // No credentials at all: the server closes the session at the first request.
      for (String path : List.of(changePath, "/jlive/users/alice", "/jlive/services")) {
        try (ZooKeeper anonymous = connect(connect, null)) {
          assertThat(catchThrowable(() -> anonymous.getData(path, false, null)))
              .as(path)
              .isInstanceOf(KeeperException.class);
        }
      }
      try (ZooKeeper anonymous = connect(connect, null)) {
        assertThat(catchThrowable(() -> anonymous.getChildren("/jlive/services", false)))
            .isInstanceOf(KeeperException.class);
      }
      try (ZooKeeper anonymous = connect(connect, null)) {
        assertThat(catchThrowable(() -> writeForgedChange(anonymous, "shop")))
            .isInstanceOf(KeeperException.class);
      }

      // The wrong password authenticates (any digest does) but no ACL lets it in.
      try (ZooKeeper wrong = connect(connect, "jlive-controller:guessed")) {
        for (String path : List.of(changePath, "/jlive/users/alice", "/jlive/services")) {
          assertThat(catchThrowable(() -> wrong.getData(path, false, null)))
              .as(path)
              .isInstanceOf(KeeperException.NoAuthException.class);
        }
        assertThat(catchThrowable(() -> wrong.getChildren("/jlive/services/shop/changes", false)))
            .isInstanceOf(KeeperException.NoAuthException.class);
        assertThat(catchThrowable(() -> writeForgedChange(wrong, "shop")))
            .isInstanceOf(KeeperException.NoAuthException.class);
        // Nor can it make nodes of its own beside jlive's: the root is the controllers' too.
        assertThat(
                catchThrowable(
                    () ->
                        wrong.create(
                            "/elsewhere",
                            new byte[0],
                            ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            CreateMode.PERSISTENT)))
            .isInstanceOf(KeeperException.NoAuthException.class);
      }
      try (ZooKeeper right = connect(connect, controllersDigest(dataDir))) {
        assertThat(right.exists("/jlive/services/shop/changes/shop-99", false)).isNull();
      }
    }
  }

  @Test
  void withoutCredentialsAnExternalEnsembleIsOpenToAnyClient() throws Exception {
    // The negative control: the same probes, with the lock off, do read and write.
    try (TestingServer zooKeeper = new TestingServer(true);
        Controller controller =
            Controller.start(
                ControllerConfig.defaults(dir.resolve("open"))
                    .withZooKeeper(zooKeeper.getConnectString()))) {
      String change = addChange(controller, "shop");
      try (ZooKeeper anonymous = connect(zooKeeper.getConnectString(), null)) {
        assertThat(
                new String(
                    anonymous.getData(FleetApiPaths.change("shop", change), false, null),
                    StandardCharsets.UTF_8))
            .contains(SELECTOR);
        writeForgedChange(anonymous, "shop");
        assertThat(anonymous.exists("/jlive/services/shop/changes/shop-99", false)).isNotNull();
      }
    }
  }

  @Test
  void anExternalEnsembleIsLockedWithTheOperatorsCredentialsAndSharedByControllersWithThem()
      throws Exception {
    Path credentials = credentials("ops", "s3cret-for-controllers");
    try (TestingServer zooKeeper = new TestingServer(true)) {
      String connect = zooKeeper.getConnectString();
      try (Controller first = Controller.start(external(connect, "first", credentials))) {
        String change = addChange(first, "shop");
        try (ZooKeeper anonymous = connect(connect, null)) {
          assertThat(
                  catchThrowable(
                      () -> anonymous.getData(FleetApiPaths.change("shop", change), false, null)))
              .isInstanceOf(KeeperException.NoAuthException.class);
          assertThat(catchThrowable(() -> writeForgedChange(anonymous, "shop")))
              .isInstanceOf(KeeperException.NoAuthException.class);
        }
        try (ZooKeeper wrong = connect(connect, "ops:guessed")) {
          assertThat(
                  catchThrowable(
                      () -> wrong.getData(FleetApiPaths.change("shop", change), false, null)))
              .isInstanceOf(KeeperException.NoAuthException.class);
        }

        // A second controller with the same credentials shares the data.
        try (Controller second = Controller.start(external(connect, "second", credentials))) {
          // Users are shared too: the first controller's admin is the ensemble's.
          Http.Answer changes = new Http(second.url(), first.token()).get(FleetApi.changes("shop"));
          assertThat(changes.status()).isEqualTo(200);
          assertThat(Http.field(changes.body().get("changes"), "id")).contains(change);
        }

        // One with other credentials cannot start on it, and says what to give.
        JLiveException refused =
            catchThrowableOfType(
                JLiveException.class,
                () ->
                    Controller.start(
                            external(connect, "third", credentials("other", "not-the-same")))
                        .close());
        assertThat(refused).isNotNull();
        assertThat(refused.getMessage()).contains("belongs to other credentials");
        assertThat(refused.hint()).contains("--zk-auth");
      }
    }
  }

  @Test
  void nodesAnOlderControllerLeftOpenAreLockedWhenAControllerWithCredentialsStarts()
      throws Exception {
    try (TestingServer zooKeeper = new TestingServer(true)) {
      String connect = zooKeeper.getConnectString();
      String change;
      String oldToken;
      try (Controller old =
          Controller.start(ControllerConfig.defaults(dir.resolve("old")).withZooKeeper(connect))) {
        change = addChange(old, "shop");
        oldToken = old.token();
      }
      Path credentials = credentials("ops", "s3cret-for-controllers");
      try (Controller upgraded = Controller.start(external(connect, "new", credentials))) {
        try (ZooKeeper anonymous = connect(connect, null)) {
          for (String path :
              List.of(
                  FleetApiPaths.change("shop", change),
                  "/jlive/services/shop/desired",
                  "/jlive/services",
                  "/jlive")) {
            assertThat(catchThrowable(() -> anonymous.getData(path, false, null)))
                .as(path)
                .isInstanceOf(KeeperException.NoAuthException.class);
          }
        }
        // The old controller made the ensemble's admin, with its token.
        Http.Answer changes = new Http(upgraded.url(), oldToken).get(FleetApi.changes("shop"));
        assertThat(Http.field(changes.body().get("changes"), "id")).contains(change);
      }
    }
  }

  @Test
  void anEmbeddedZooKeeperAuthFileIsNotForAnExternalOne() {
    JLiveException e =
        catchThrowableOfType(
            JLiveException.class,
            () ->
                Controller.start(
                        ControllerConfig.defaults(dir.resolve("c"))
                            .withZooKeeperAuth(dir.resolve("zk-auth")))
                    .close());
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("--zk-auth is for an external ensemble");
  }

  @Test
  void aCredentialsFileOthersCanReadIsRefused() throws Exception {
    Path credentials = credentials("ops", "s3cret-for-controllers");
    Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-r--r--"));
    JLiveException e =
        catchThrowableOfType(
            JLiveException.class,
            () -> Controller.start(external("127.0.0.1:1", "c", credentials)).close());
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains(credentials.toString(), "rw-r--r--");
    assertThat(e.hint()).contains("chmod 600");
  }

  // ---- helpers ----

  private ControllerConfig external(String connect, String name, Path credentials) {
    return ControllerConfig.defaults(dir.resolve(name))
        .withZooKeeper(connect)
        .withZooKeeperAuth(credentials);
  }

  private Path credentials(String user, String password) throws Exception {
    Path file = dir.resolve("zk-auth-" + user);
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, "# test\ndigest=" + user + ":" + password + "\n");
    return file;
  }

  private static String controllersDigest(Path dataDir) throws Exception {
    for (String line : Files.readAllLines(dataDir.resolve("zookeeper-auth"))) {
      if (line.startsWith("digest=")) {
        return line.substring("digest=".length());
      }
    }
    throw new AssertionError("no digest line in " + dataDir.resolve("zookeeper-auth"));
  }

  /** A change through the controller's API, for a process that registered; answers its id. */
  private static String addChange(Controller controller, String service) {
    Http http = Http.asAdminAndAgent(controller);
    RegisterBody body =
        new RegisterBody(
            FleetApi.PROTOCOL_VERSION, service, "host-a", 101, "17", "test", Map.of(), "inst101");
    Http.Answer registered = http.post(FleetApi.REGISTER, body.toJson());
    assertThat(registered.status()).as(registered.body().toString()).isEqualTo(200);
    assertThat(RegisterAnswer.fromWire(registered.body()).process()).isNotEmpty();
    Http.Answer added =
        http.post(
            FleetApi.changes(service),
            Map.of("kind", "probe", "spec", Map.of("selector", SELECTOR, "kind", "metrics")));
    assertThat(added.status()).as(added.body().toString()).isEqualTo(201);
    return String.valueOf(((Map<?, ?>) added.body().get("change")).get("id"));
  }

  /** What an attacker would write: a change node of a valid shape, straight into ZooKeeper. */
  private static void writeForgedChange(ZooKeeper client, String service) throws Exception {
    client.create(
        "/jlive/services/" + service + "/changes/" + service + "-99",
        ("{\"id\":\"" + service + "-99\",\"kind\":\"patch\"}").getBytes(StandardCharsets.UTF_8),
        ZooDefs.Ids.OPEN_ACL_UNSAFE,
        CreateMode.PERSISTENT);
  }

  /** A plain ZooKeeper client, authenticated with {@code digest} unless it is null. */
  private static ZooKeeper connect(String connect, String digest) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper client =
        new ZooKeeper(
            connect,
            (int) Duration.ofSeconds(10).toMillis(),
            event -> {
              if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    assertThat(connected.await(20, TimeUnit.SECONDS)).as("connected to " + connect).isTrue();
    if (digest != null) {
      client.addAuthInfo("digest", digest.getBytes(StandardCharsets.UTF_8));
    }
    return client;
  }

  /** Where FleetStore keeps things (its layout is package-private there). */
  private static final class FleetApiPaths {
    static String change(String service, String id) {
      return "/jlive/services/" + service + "/changes/" + id;
    }
  }
}

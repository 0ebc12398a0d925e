package dev.jlive.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.protocol.FleetApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users on two controllers sharing one ensemble: a token revoked or rotated through one is refused
 * by that one on its very next request, and by the other as soon as ZooKeeper's watch event arrives
 * (its kept token is dropped); only a hash is stored; the first start makes the admin whose token
 * is the token file's.
 */
class UsersTest {
  static TestingServer zooKeeper;
  static Controller first;
  static Controller second;
  static Http admin;
  @TempDir static Path firstDir;
  @TempDir static Path secondDir;

  @BeforeAll
  static void start() throws Exception {
    zooKeeper = new TestingServer(true);
    first =
        Controller.start(
            ControllerConfig.defaults(firstDir).withZooKeeper(zooKeeper.getConnectString()));
    second =
        Controller.start(
            ControllerConfig.defaults(secondDir).withZooKeeper(zooKeeper.getConnectString()));
    admin = new Http(first.url(), first.token());
  }

  @AfterAll
  static void stop() throws Exception {
    second.close();
    first.close();
    zooKeeper.close();
  }

  @Test
  void theFirstStartMakesOneAdminWithTheTokenFilesToken() throws Exception {
    assertThat(Files.readString(first.tokenFile()).trim()).isEqualTo(first.token());
    // The second controller found users already: its own token file is no user's token.
    assertThat(new Http(second.url(), second.token()).get(FleetApi.SERVICES).status())
        .isEqualTo(401);
    Http.Answer users = admin.get(FleetApi.USERS);
    assertThat(Http.field(users.body().get("users"), "name")).contains(Controller.ADMIN);
    assertThat(users.body().toString()).doesNotContain(first.token()).doesNotContain("tokenHash");
  }

  @Test
  void aRevokedUserIsRefusedOnItsNextRequestByEveryController() {
    String name = "leaving";
    String token = add(name, "viewer");
    Http onSecond = new Http(second.url(), token);
    assertThat(onSecond.get(FleetApi.SERVICES).status()).isEqualTo(200);

    Http onFirst = new Http(first.url(), token);
    assertThat(onFirst.get(FleetApi.SERVICES).status()).isEqualTo(200);

    assertThat(admin.delete(FleetApi.user(name)).status()).isEqualTo(200);

    assertThat(onFirst.get(FleetApi.SERVICES).status()).isEqualTo(401);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> onSecond.get(FleetApi.SERVICES).status() == 401);
    Http.Answer refused = onSecond.get(FleetApi.SERVICES);
    assertThat(((Map<?, ?>) refused.body().get("error")).get("message"))
        .isEqualTo("unknown or revoked token");
  }

  @Test
  void rotatingKillsTheOldTokenAtOnceAndTheNewOneWorks() {
    String name = "rotating";
    String old = add(name, "patcher@web");
    assertThat(new Http(second.url(), old).get(FleetApi.SERVICES).status()).isEqualTo(200);
    Http.Answer rotated = admin.post(FleetApi.rotate(name), Map.of());
    assertThat(rotated.status()).as(rotated.body().toString()).isEqualTo(200);
    String fresh = (String) rotated.body().get("token");

    assertThat(fresh).matches("[0-9a-f]{64}").isNotEqualTo(old);
    assertThat(new Http(first.url(), old).get(FleetApi.SERVICES).status()).isEqualTo(401);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> new Http(second.url(), old).get(FleetApi.processes("web")).status() == 401);
    // Past the token and the role: web has no process yet.
    assertThat(new Http(second.url(), fresh).get(FleetApi.processes("web")).body().toString())
        .contains("UNKNOWN_SERVICE");
  }

  @Test
  void theLastAdminCannotBeRevoked() {
    Http.Answer refused = admin.delete(FleetApi.user(Controller.ADMIN));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(admin.get(FleetApi.SERVICES).status()).isEqualTo(200);
  }

  @Test
  void badRolesAndMixedCredentialsAreRefusedWithTheReason() {
    Http.Answer badRole =
        admin.post(FleetApi.USERS, Map.of("name", "x1", "roles", List.of("superuser")));
    assertThat(badRole.status()).isEqualTo(400);
    assertThat(badRole.body().toString()).contains("'superuser' is not a role");
    Http.Answer mixed =
        admin.post(FleetApi.USERS, Map.of("name", "x2", "roles", List.of("agent@web", "viewer")));
    assertThat(mixed.status()).isEqualTo(400);
    assertThat(mixed.body().toString()).contains("mix agent@SERVICE");
    Http.Answer twice =
        admin.post(FleetApi.USERS, Map.of("name", Controller.ADMIN, "roles", List.of("viewer")));
    assertThat(twice.status()).isEqualTo(409);
  }

  private static String add(String name, String... roles) {
    Http.Answer added = admin.post(FleetApi.USERS, Map.of("name", name, "roles", List.of(roles)));
    assertThat(added.status()).as(added.body().toString()).isEqualTo(201);
    return (String) added.body().get("token");
  }
}

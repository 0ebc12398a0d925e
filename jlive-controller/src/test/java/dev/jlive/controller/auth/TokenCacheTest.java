package dev.jlive.controller.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.WatchedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tokens are kept between requests, and a token revoked or rotated through one controller is
 * refused by another that had it kept as soon as ZooKeeper's watch event arrives. Two user stores
 * on two ZooKeeper clients stand for two controllers of one ensemble.
 */
class TokenCacheTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(5);
  private static final List<Grant> VIEWER = List.of(new Grant(Role.VIEWER, null));

  private TestingServer zooKeeper;
  private CuratorFramework here;
  private CuratorFramework there;
  private UserStore revoking;

  @BeforeEach
  void start() throws Exception {
    zooKeeper = new TestingServer(true);
    here = client();
    there = client();
    revoking = started(new UserStore(here, () -> true));
    revoking.bootstrap("admin", Tokens.create(), Instant.now());
  }

  @AfterEach
  void stop() throws Exception {
    revoking.close();
    there.close();
    here.close();
    zooKeeper.close();
  }

  @Test
  void aRevokedTokenIsRefusedHereAtOnceAndThereWhenTheEventArrives() throws Exception {
    UserStore other = started(new UserStore(there, () -> true));
    String token = revoking.add("leaving", VIEWER, Instant.now()).token();
    assertThat(other.authenticate(token).name()).isEqualTo("leaving");
    assertThat(revoking.authenticate(token).name()).isEqualTo("leaving");

    revoking.revoke("leaving");

    assertThat(revoking.authenticate(token)).isNull();
    await().atMost(PROMPTLY).until(() -> other.authenticate(token) == null);
    other.close();
  }

  @Test
  void aRotatedTokenIsRefusedThereAndTheNewOneWorks() throws Exception {
    UserStore other = started(new UserStore(there, () -> true));
    String old = revoking.add("rotating", VIEWER, Instant.now()).token();
    assertThat(other.authenticate(old)).isNotNull();

    String fresh = revoking.rotate("rotating", Instant.now()).token();

    await().atMost(PROMPTLY).until(() -> other.authenticate(old) == null);
    assertThat(other.authenticate(fresh).name()).isEqualTo("rotating");
    other.close();
  }

  /**
   * Negative control: with the watch events ignored, the kept token outlives its revocation (which
   * also shows that a kept token is answered without reading ZooKeeper).
   */
  @Test
  void withoutTheEventsARevokedTokenStaysAccepted() throws Exception {
    UserStore deaf =
        started(
            new UserStore(
                there,
                () -> true,
                new TokenCache() {
                  @Override
                  public void process(WatchedEvent event) {}
                }));
    UserStore listening = started(new UserStore(there, () -> true));
    String token = revoking.add("leaving", VIEWER, Instant.now()).token();
    assertThat(deaf.authenticate(token)).isNotNull();
    assertThat(listening.authenticate(token)).isNotNull();

    revoking.revoke("leaving");

    // The same client delivered the event to both: one store refuses, the deaf one does not.
    await().atMost(PROMPTLY).until(() -> listening.authenticate(token) == null);
    assertThat(deaf.authenticate(token)).isNotNull();
    listening.close();
    deaf.close();
  }

  private CuratorFramework client() {
    CuratorFramework client =
        CuratorFrameworkFactory.newClient(
            zooKeeper.getConnectString(), new ExponentialBackoffRetry(100, 3));
    client.start();
    return client;
  }

  private static UserStore started(UserStore store) throws InterruptedException {
    store.start(PROMPTLY);
    return store;
  }
}

package dev.jlive.controller.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.protocol.audit.AuditRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/**
 * Refusals are recorded best effort: while the store cannot take them, a flood of them neither
 * blocks the callers nor grows the controller's memory past the queue, and every one is accounted
 * for, one by one or in a count, once the store is back.
 */
class AuditTrailTest {
  private static final Pattern COUNT = Pattern.compile("^(\\d+) refused requests");

  @Test
  void aFloodOfRefusalsWhileTheStoreIsDownIsBoundedAndCounted() throws Exception {
    try (TestingServer zooKeeper = new TestingServer(true);
        CuratorFramework client =
            CuratorFrameworkFactory.builder()
                .connectString(zooKeeper.getConnectString())
                .connectionTimeoutMs(500)
                .sessionTimeoutMs(30_000)
                .retryPolicy(new RetryOneTime(100))
                .build()) {
      client.start();
      assertThat(client.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
      AuditLog log = new AuditLog(client);
      log.start();
      int flood = 20_000;
      try (AuditTrail trail = new AuditTrail(log, 10)) {
        zooKeeper.stop();
        long start = System.nanoTime();
        for (int i = 0; i < flood; i++) {
          trail.refused(refusal(i));
        }
        // Each call only offers to a queue of 10: the flood costs no waiting on the store.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        zooKeeper.restart();

        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  List<AuditRecord> records = log.page(0, 1000, null, null).read();
                  long oneByOne =
                      records.stream()
                          .filter(record -> !record.operation().equals(AuditTrail.LOST_REFUSALS))
                          .count();
                  long counted =
                      records.stream()
                          .filter(record -> record.operation().equals(AuditTrail.LOST_REFUSALS))
                          .mapToLong(AuditTrailTest::count)
                          .sum();
                  assertThat(oneByOne).isLessThanOrEqualTo(11);
                  assertThat(oneByOne + counted).isEqualTo(flood);
                });
        assertThat(log.verify().ok()).isTrue();
      }
    }
  }

  private static long count(AuditRecord record) {
    Matcher matcher = COUNT.matcher(record.detail());
    assertThat(matcher.find()).as(record.detail()).isTrue();
    return Long.parseLong(matcher.group(1));
  }

  private static AuditEntry refusal(int i) {
    return new AuditEntry(
        Instant.now(),
        null,
        null,
        "10.0.0." + (i % 250),
        "POST /v1/services/shop/changes",
        "shop",
        null,
        "refused",
        401,
        "UNAUTHORIZED",
        "missing or wrong controller token");
  }
}

package dev.jlive.controller.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.protocol.Json;
import dev.jlive.protocol.audit.AuditHead;
import dev.jlive.protocol.audit.AuditPage;
import dev.jlive.protocol.audit.AuditRecord;
import dev.jlive.protocol.audit.AuditVerdict;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit log's chain against a real ZooKeeper: it verifies, an edit or a deletion is found and
 * named, two controllers appending at once keep one chain, and an append on a stale head is refused
 * (without that, two writers fork the chain, which the walk finds).
 */
class AuditLogTest {
  private TestingServer zooKeeper;
  private final List<CuratorFramework> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    zooKeeper = new TestingServer(true);
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(CuratorFramework::close);
    zooKeeper.close();
  }

  /** An audit log as one controller has it: its own ZooKeeper client. */
  private AuditLog controller() throws InterruptedException {
    CuratorFramework client =
        CuratorFrameworkFactory.newClient(
            zooKeeper.getConnectString(), new ExponentialBackoffRetry(200, 3));
    clients.add(client);
    client.start();
    assertThat(client.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
    AuditLog log = new AuditLog(client);
    log.start();
    return log;
  }

  private static AuditEntry entry(String service, String operation, Instant time) {
    return new AuditEntry(
        time, "ann", "patcher", "10.0.0.7", operation, service, "c1", "ok", 200, null, null);
  }

  private static AuditEntry entry(String operation) {
    return entry("shop", operation, Instant.now());
  }

  private void appendFive(AuditLog log) {
    for (int i = 1; i <= 5; i++) {
      log.append(entry("op " + i));
    }
  }

  private CuratorFramework raw() {
    return clients.get(0);
  }

  private Map<String, Object> stored(long sequence) throws Exception {
    return new LinkedHashMap<>(
        Json.parseObject(
            new String(raw().getData().forPath(AuditLog.path(sequence)), StandardCharsets.UTF_8)));
  }

  private void store(long sequence, Map<String, Object> record) throws Exception {
    raw()
        .setData()
        .forPath(AuditLog.path(sequence), Json.write(record).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void eachRecordHoldsThePreviousHashAndTheChainVerifies() throws Exception {
    AuditLog log = controller();
    assertThat(log.verify().ok()).isTrue();
    assertThat(log.verify().checked()).isZero();
    AuditRecord first = log.append(entry("add probe"));
    AuditRecord second = log.append(entry("revert"));
    assertThat(first.sequence()).isEqualTo(1);
    assertThat(first.previous()).isEqualTo("0".repeat(64));
    assertThat(second.previous()).isEqualTo(first.hash());
    assertThat(log.currentHead()).isEqualTo(new AuditHead(2, second.hash()));
    assertThat(AuditRecord.fromWire(stored(2))).isEqualTo(second);

    AuditVerdict verdict = log.verify();
    assertThat(verdict.ok()).as(verdict.toString()).isTrue();
    assertThat(verdict.checked()).isEqualTo(2);
    assertThat(verdict.lastHash()).isEqualTo(second.hash());
  }

  @Test
  void anEditedRecordIsNamed() throws Exception {
    AuditLog log = controller();
    appendFive(log);
    Map<String, Object> record = stored(3);
    record.put("user", "mallory");
    store(3, record);

    AuditVerdict verdict = log.verify();
    assertThat(verdict.ok()).isFalse();
    assertThat(verdict.badSequence()).isEqualTo(3);
    assertThat(verdict.problem()).isEqualTo("record 3: hash does not match its content");
    assertThat(verdict.checked()).isEqualTo(2);
  }

  @Test
  void anEditWithItsHashRecomputedBreaksTheNextLink() throws Exception {
    AuditLog log = controller();
    appendFive(log);
    AuditRecord edited =
        new AuditRecord(
                3,
                Instant.now(),
                "mallory",
                null,
                null,
                "nothing to see",
                "shop",
                null,
                "ok",
                200,
                null,
                null,
                (String) stored(2).get("hash"),
                null)
            .sealed();
    store(3, new LinkedHashMap<>(edited.toJson()));

    AuditVerdict verdict = log.verify();
    assertThat(verdict.badSequence()).isEqualTo(4);
    assertThat(verdict.problem()).isEqualTo("record 4: previous hash does not match record 3");
  }

  @Test
  void anAddedFieldIsAnEdit() throws Exception {
    AuditLog log = controller();
    appendFive(log);
    Map<String, Object> record = stored(2);
    record.put("approvedBy", "nobody");
    store(2, record);

    assertThat(log.verify().problem()).isEqualTo("record 2: hash does not match its content");
  }

  @Test
  void aDeletedRecordIsNamedWithItsNeighbours() throws Exception {
    AuditLog log = controller();
    appendFive(log);
    raw().delete().forPath(AuditLog.path(3));

    AuditVerdict verdict = log.verify();
    assertThat(verdict.ok()).isFalse();
    assertThat(verdict.badSequence()).isEqualTo(3);
    assertThat(verdict.problem()).isEqualTo("record 3 is missing (2 → 4)");
  }

  @Test
  void theLastRecordDeletedIsFoundThroughTheHead() throws Exception {
    AuditLog log = controller();
    appendFive(log);
    raw().delete().forPath(AuditLog.path(5));

    assertThat(log.verify().problem())
        .isEqualTo("record 5 is missing (4 → end; the head names record 5)");
  }

  @Test
  void aDeletedHeadBreaksTheLogAndStopsAppends() throws Exception {
    AuditLog log = controller();
    appendFive(log);
    raw().delete().forPath(AuditLog.HEAD);

    AuditVerdict verdict = log.verify();
    assertThat(verdict.ok()).isFalse();
    assertThat(verdict.problem())
        .isEqualTo("the head node /jlive/audit/head is missing: deleted outside jlive");
    assertThatThrownBy(() -> log.append(entry("after the head went")))
        .hasMessageContaining("the audit log has no head node");
  }

  @Test
  void anAppendOnAStaleHeadIsRefusedAndWritesNothing() throws Exception {
    AuditLog a = controller();
    AuditLog b = controller();
    a.append(entry("first"));
    AuditLog.Head seenByB = b.head();
    a.append(entry("second, while b was about to write"));

    assertThat(b.tryAppend(seenByB, entry("b on a stale head"))).isNull();
    assertThat(raw().checkExists().forPath(AuditLog.path(3))).isNull();
    assertThat(b.currentHead().sequence()).isEqualTo(2);

    // append reads the head again and goes after the record it did not see.
    AuditRecord third = b.append(entry("b again"));
    assertThat(third.sequence()).isEqualTo(3);
    assertThat(third.previous()).isEqualTo(stored(2).get("hash"));
    assertThat(a.verify().ok()).isTrue();
  }

  /**
   * The negative control: two writers that append after the head they read, without the
   * compare-and-set (here at the next free number, as ZooKeeper's sequential nodes would give),
   * fork the chain, and the walk finds it.
   */
  @Test
  void withoutTheCompareAndSetTwoWritersForkTheChain() throws Exception {
    AuditLog log = controller();
    log.append(entry("first"));
    AuditLog.Head seenByBoth = log.head();
    AuditRecord fromA = entry("a").at(2, seenByBoth.hash());
    AuditRecord fromB = entry("b").at(3, seenByBoth.hash());
    for (AuditRecord record : List.of(fromA, fromB)) {
      raw()
          .create()
          .forPath(
              AuditLog.path(record.sequence()),
              Json.write(record.toJson()).getBytes(StandardCharsets.UTF_8));
    }
    raw()
        .setData()
        .forPath(
            AuditLog.HEAD,
            Json.write(new AuditHead(3, fromB.hash()).toJson()).getBytes(StandardCharsets.UTF_8));

    AuditVerdict verdict = log.verify();
    assertThat(verdict.ok()).isFalse();
    assertThat(verdict.problem()).isEqualTo("record 3: previous hash does not match record 2");
  }

  @Test
  void twoControllersAppendingAtOnceKeepOneChain() throws Exception {
    List<AuditLog> controllers = List.of(controller(), controller());
    int threadsPerController = 3;
    int appendsPerThread = 20;
    ExecutorService pool = Executors.newFixedThreadPool(controllers.size() * threadsPerController);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<Long>>> writers = new ArrayList<>();
    try {
      for (AuditLog log : controllers) {
        for (int t = 0; t < threadsPerController; t++) {
          writers.add(
              pool.submit(
                  () -> {
                    go.await();
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < appendsPerThread; i++) {
                      mine.add(log.append(entry("concurrent")).sequence());
                    }
                    return mine;
                  }));
        }
      }
      go.countDown();
      Set<Long> numbers = new HashSet<>();
      for (Future<List<Long>> writer : writers) {
        numbers.addAll(writer.get(120, TimeUnit.SECONDS));
      }
      int total = controllers.size() * threadsPerController * appendsPerThread;
      assertThat(numbers).hasSize(total);
      AuditVerdict verdict = controllers.get(1).verify();
      assertThat(verdict.ok()).as(verdict.toString()).isTrue();
      assertThat(verdict.checked()).isEqualTo(total);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void pagesFilterByServiceAndTimeAndGoOnWhereTheyStopped() throws Exception {
    AuditLog log = controller();
    Instant start = Instant.parse("2026-12-01T10:00:00Z");
    for (int i = 0; i < 12; i++) {
      log.append(entry(i % 2 == 0 ? "shop" : "cart", "op " + i, start.plusSeconds(60L * i)));
    }

    AuditPage all = log.page(0, 1000, null, null);
    assertThat(all.records()).hasSize(12);
    assertThat(all.next()).isNull();

    AuditPage shop = log.page(0, 1000, "shop", null);
    assertThat(shop.read()).extracting(AuditRecord::service).containsOnly("shop").hasSize(6);

    AuditPage late = log.page(0, 1000, null, start.plusSeconds(60L * 9));
    assertThat(late.read())
        .extracting(AuditRecord::operation)
        .containsExactly("op 9", "op 10", "op 11");

    List<Long> paged = new ArrayList<>();
    Long after = 0L;
    while (after != null) {
      AuditPage page = log.page(after, 5, "cart", null);
      assertThat(page.records()).hasSizeLessThanOrEqualTo(5);
      page.read().forEach(record -> paged.add(record.sequence()));
      after = page.next();
    }
    assertThat(paged).containsExactly(2L, 4L, 6L, 8L, 10L, 12L);
  }
}

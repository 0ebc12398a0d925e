package dev.jlive.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.audit.AuditPage;
import dev.jlive.protocol.audit.AuditRecord;
import dev.jlive.protocol.audit.AuditVerdict;
import dev.jlive.protocol.fleet.RegisterAnswer;
import dev.jlive.protocol.fleet.RegisterBody;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the controller writes to its audit log, over HTTP as users and agents call it: a change is
 * recorded before it is made and with its outcome after, a failed authentication and a failed
 * change are recorded, a read of captured snapshots is recorded and a read of log lines is not.
 */
class AuditRecordsTest {
  @RegisterExtension
  static final ControllerOnZooKeeper fixture = new ControllerOnZooKeeper(Duration.ofSeconds(1));

  /** The controller's admin, and an agent for the agent protocol. */
  private static Http http() {
    return fixture.http();
  }

  private static String register(String service, long pid) {
    RegisterBody body =
        new RegisterBody(
            FleetApi.PROTOCOL_VERSION, service, "host-a", pid, "17", "test", Map.of(), "i" + pid);
    return RegisterAnswer.fromWire(http().post(FleetApi.REGISTER, body.toJson()).body()).process();
  }

  private static List<AuditRecord> records(String service) {
    Http.Answer answer = http().get(FleetApi.AUDIT + "?service=" + service);
    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
    return AuditPage.fromWire(answer.body()).read();
  }

  private static String changeId(Http.Answer answer) {
    return (String) ((Map<?, ?>) answer.body().get("change")).get("id");
  }

  @Test
  void aChangeIsRecordedBeforeAndAfterWithWhoAndFromWhere() {
    register("audited", 701);
    Http.Answer added =
        http()
            .post(
                FleetApi.changes("audited"),
                Map.of(
                    "kind", "probe", "spec", Map.of("selector", "com.acme.A#a", "kind", "count")));
    assertThat(added.status()).as(added.body().toString()).isEqualTo(201);
    String id = changeId(added);
    assertThat(http().delete(FleetApi.change("audited", id)).status()).isEqualTo(200);

    List<AuditRecord> records = records("audited");
    assertThat(records)
        .extracting(AuditRecord::operation, AuditRecord::result, AuditRecord::change)
        .containsExactly(
            tuple("add probe", "started", null),
            tuple("add probe", "ok", id),
            tuple("revert", "started", id),
            tuple("revert", "ok", id));
    // The token's user, not the "tester" the client's header claims.
    assertThat(records).extracting(AuditRecord::user).containsOnly("admin");
    assertThat(records).extracting(AuditRecord::from).containsOnly("127.0.0.1");
    assertThat(records.get(1).status()).isEqualTo(201);
    assertThat(records.get(3).status()).isEqualTo(200);
    assertThat(records).allSatisfy(record -> assertThat(record.hash()).hasSize(64));

    AuditVerdict verdict = AuditVerdict.fromWire(http().get(FleetApi.AUDIT_VERIFY).body());
    assertThat(verdict.ok()).as(verdict.toString()).isTrue();
  }

  @Test
  void aFailedChangeIsRecordedWithItsCode() {
    Http.Answer refused =
        http()
            .post(
                FleetApi.changes("nobody-here"),
                Map.of(
                    "kind", "probe", "spec", Map.of("selector", "com.acme.A#a", "kind", "count")));
    assertThat(refused.status()).isGreaterThanOrEqualTo(400);

    List<AuditRecord> records = records("nobody-here");
    assertThat(records).extracting(AuditRecord::result).containsExactly("started", "failed");
    assertThat(records.get(1).status()).isEqualTo(refused.status());
    assertThat(records.get(1).code())
        .isEqualTo(((Map<?, ?>) refused.body().get("error")).get("code"));
  }

  @Test
  void aFailedAuthenticationIsRecordedBestEffort() {
    Http intruder = new Http(fixture.controller().url(), "not-the-token-0123456789");
    Http.Answer answer = intruder.post(FleetApi.changes("guarded"), Map.of("kind", "patch"));
    assertThat(answer.status()).isEqualTo(401);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              List<AuditRecord> records = records("guarded");
              assertThat(records).hasSize(1);
              AuditRecord record = records.get(0);
              assertThat(record.result()).isEqualTo("refused");
              assertThat(record.status()).isEqualTo(401);
              assertThat(record.code()).isEqualTo("UNAUTHORIZED");
              assertThat(record.user()).isNull();
              assertThat(record.from()).isEqualTo("127.0.0.1");
              assertThat(record.operation()).isEqualTo("POST /v1/services/guarded/changes");
            });
  }

  @Test
  void readingSnapshotsIsRecordedAndReadingLogLinesIsNot() {
    String process = register("captured", 702);
    String probe =
        changeId(
            http()
                .post(
                    FleetApi.changes("captured"),
                    Map.of(
                        "kind",
                        "probe",
                        "spec",
                        Map.of("selector", "com.acme.A#a", "kind", "capture"))));
    http().syncEvents(process, List.of(event(probe, 1, "a line", null)));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                !((List<?>) http().get(FleetApi.events("captured")).body().get("events"))
                    .isEmpty());
    assertThat(records("captured"))
        .extracting(AuditRecord::operation)
        .doesNotContain("read snapshots");

    http()
        .syncEvents(
            process,
            List.of(event(probe, 2, null, Map.of("args", List.of("4111 1111 1111 1111")))));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ((List<?>) http().get(FleetApi.events("captured")).body().get("events")).size()
                    == 2);

    List<AuditRecord> reads =
        records("captured").stream()
            .filter(record -> record.operation().equals("read snapshots"))
            .toList();
    assertThat(reads).isNotEmpty();
    assertThat(reads.get(0).change()).isEqualTo(probe);
    assertThat(reads.get(0).detail()).isEqualTo("1 snapshot");
    assertThat(reads.get(0).user()).isEqualTo("admin");
  }

  /** Two controllers on one ensemble, changes made through both at once: one chain. */
  @Test
  void twoControllersTakingChangesAtOnceKeepOneChain() throws Exception {
    register("busy", 704);
    try (Controller second =
        Controller.start(
            ControllerConfig.defaults(fixture.dataDir().resolve("second"))
                .withZooKeeper(fixture.zooKeeperConnectString())
                .withHeartbeat(Duration.ofSeconds(1)))) {
      // Users are the ensemble's: the first controller's admin speaks to both.
      List<Http> both = List.of(http(), Http.asAdminAndAgent(second, fixture.controller().token()));
      List<CompletableFuture<Http.Answer>> sent = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        sent.add(
            both.get(i % 2)
                .send(
                    "POST",
                    FleetApi.changes("busy"),
                    Map.of(
                        "kind",
                        "probe",
                        "spec",
                        Map.of("selector", "com.acme.Busy#m" + i, "kind", "count"))));
      }
      for (CompletableFuture<Http.Answer> answer : sent) {
        assertThat(answer.join().status()).as(answer.join().body().toString()).isEqualTo(201);
      }
      List<AuditRecord> records = records("busy");
      assertThat(records).filteredOn(record -> record.result().equals("ok")).hasSize(20);
      assertThat(records).filteredOn(record -> record.result().equals("started")).hasSize(20);
      AuditVerdict verdict =
          AuditVerdict.fromWire(
              new Http(second.url(), fixture.controller().token())
                  .get(FleetApi.AUDIT_VERIFY)
                  .body());
      assertThat(verdict.ok()).as(verdict.toString()).isTrue();
    }
  }

  /**
   * The record before a change is written first: when it cannot be (here the log's head node is
   * gone), the change is not made. Negative control: with the head back, the same request is.
   */
  @Test
  void aChangeThatCannotBeRecordedIsNotMade() throws Exception {
    register("unrecorded", 703);
    Map<String, Object> change =
        Map.of("kind", "probe", "spec", Map.of("selector", "com.acme.A#a", "kind", "count"));
    try (CuratorFramework zk =
        CuratorFrameworkFactory.newClient(
            fixture.zooKeeperConnectString(), new ExponentialBackoffRetry(200, 3))) {
      zk.start();
      byte[] head = zk.getData().forPath("/jlive/audit/head");
      zk.delete().forPath("/jlive/audit/head");
      try {
        Http.Answer answer = http().post(FleetApi.changes("unrecorded"), change);
        assertThat(answer.status()).isEqualTo(500);
        assertThat(String.valueOf(answer.body())).contains("the audit log has no head node");
        assertThat((List<?>) http().get(FleetApi.changes("unrecorded")).body().get("changes"))
            .isEmpty();
      } finally {
        zk.create().forPath("/jlive/audit/head", head);
      }
    }
    assertThat(http().post(FleetApi.changes("unrecorded"), change).status()).isEqualTo(201);
    assertThat((List<?>) http().get(FleetApi.changes("unrecorded")).body().get("changes"))
        .hasSize(1);
  }

  private static Map<String, Object> event(
      String change, long seq, String message, Map<String, Object> data) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("change", change);
    event.put("seq", seq);
    event.put("probe", "p1");
    event.put("time", "2026-11-25T10:00:0" + seq + "Z");
    event.put("thread", "main");
    event.put("method", "com.acme.A#a");
    event.put("at", "entry");
    if (message != null) {
      event.put("message", message);
    }
    if (data != null) {
      event.put("data", data);
    }
    return event;
  }
}

package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.controller.store.ZooKeeperAccess;
import dev.jlive.it.apps.Pricer;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.FleetFixture;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit log through the CLI, against a real controller with its embedded ZooKeeper and a real
 * JVM of the service: changes, refusals and snapshot reads are recorded with who, from where and
 * the result; the chain verifies; a record edited or deleted straight in ZooKeeper makes {@code
 * jlive audit verify} fail and name it; an export verifies on its own and shows an edit the same
 * way.
 */
class AuditTest {
  private static final String PRICER = Pricer.class.getName();
  private static final String RECORDS = "/jlive/audit/records/";
  private static FleetFixture fleet;
  private static CuratorFramework zooKeeper;

  @BeforeAll
  static void start() throws Exception {
    Path dataDir = FleetFixture.tempDir("audit-controller");
    fleet = FleetFixture.start(null, dataDir);
    String embedded = fleet.controller().zooKeeper();
    assertThat(embedded).startsWith("embedded at ");
    // The tampering below is by someone who has the controllers' ZooKeeper password: the audit
    // chain is what shows it then.
    zooKeeper =
        ZooKeeperAccess.fromFile(dataDir.resolve("zookeeper-auth"))
            .clientBuilder(embedded.substring("embedded at ".length()))
            .retryPolicy(new ExponentialBackoffRetry(200, 3))
            .build();
    zooKeeper.start();
    assertThat(zooKeeper.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
  }

  @AfterAll
  static void stop() throws Exception {
    zooKeeper.close();
    fleet.close();
  }

  @Test
  void whoChangedWhatIsRecordedAndTamperingIsNamed() throws Exception {
    TargetJvm app = fleet.join("audited", "zone=a");
    fleet.awaitProcesses("audited", app);

    CliRun probe =
        fleet.jlive("probe", "add", "--service", "audited", PRICER + "#price", "--count", "--json");
    assertThat(probe.exitCode()).as(probe.toString()).isZero();
    String probeId = ServiceTest.changeId(probe);
    CliRun capture =
        fleet.jlive(
            "probe", "add", "--service", "audited", PRICER + "#price", "--capture", "--json");
    assertThat(capture.exitCode()).as(capture.toString()).isZero();
    String captureId = ServiceTest.changeId(capture);
    assertThat(app.ask("price 3", "price")).startsWith("price 30 ");
    CliRun tail =
        fleet.jlive(
            "tail",
            "--service",
            "audited",
            captureId,
            "--count",
            "1",
            "--timeout",
            "30s",
            "--json");
    assertThat(tail.exitCode()).as(tail.toString()).isZero();
    assertThat(fleet.jlive("revert", "--service", "audited", probeId).exitCode()).isZero();

    Path wrongToken =
        Files.writeString(
            FleetFixture.tempDir("audit").resolve("token"), "not-it-0123456789abcdef");
    CliRun intruder =
        CliRun.jlive(
            "services",
            "--controller",
            fleet.url(),
            "--controller-token-file",
            wrongToken.toString());
    assertThat(intruder.exitCode()).as(intruder.toString()).isEqualTo(7);

    // The token's user (the controller's admin), whatever the OS user the CLI runs as.
    String me = "admin";
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              List<Map<String, Object>> records = jsonLines(fleet.jlive("audit", "--json"));
              assertThat(records)
                  .filteredOn(record -> "refused".equals(record.get("result")))
                  .singleElement()
                  .satisfies(
                      refused -> {
                        assertThat(refused.get("status")).isEqualTo(401L);
                        assertThat(refused.get("from")).isEqualTo("127.0.0.1");
                        assertThat(refused.get("operation")).isEqualTo("GET /v1/services");
                      });
            });
    List<Map<String, Object>> audited =
        jsonLines(fleet.jlive("audit", "--service", "audited", "--json"));
    assertThat(audited)
        .extracting(
            record ->
                record.get("operation") + " " + record.get("result") + " " + record.get("change"))
        .containsSubsequence(
            "add probe started null",
            "add probe ok " + probeId,
            "add probe started null",
            "add probe ok " + captureId,
            "read snapshots ok " + captureId,
            "revert started " + probeId,
            "revert ok " + probeId);
    assertThat(audited).extracting(record -> record.get("user")).containsOnly(me);
    assertThat(audited).extracting(record -> record.get("from")).containsOnly("127.0.0.1");
    assertThat(audited).extracting(record -> record.get("service")).containsOnly("audited");

    CliRun table = fleet.jlive("audit", "--service", "audited");
    assertThat(table.exitCode()).as(table.toString()).isZero();
    assertThat(table.stdout().lines().findFirst().orElseThrow())
        .startsWith("SEQ")
        .contains("USER", "FROM", "WHAT", "SERVICE", "CHANGE", "RESULT");
    assertThat(table.stdout()).contains("revert", probeId, "ok 200", "127.0.0.1", me);
    assertThat(fleet.jlive("audit", "--since", "2999-01-01T00:00:00Z").stdout())
        .isEqualTo("no audit records match\n");
    assertThat(jsonLines(fleet.jlive("audit", "--since", "1h", "--json")))
        .hasSize(jsonLines(fleet.jlive("audit", "--json")).size());
    assertThat(jsonLines(fleet.jlive("audit", "--service", "elsewhere", "--json"))).isEmpty();

    CliRun verified = fleet.jlive("audit", "verify");
    assertThat(verified.exitCode()).as(verified.toString()).isZero();
    List<Map<String, Object>> all = jsonLines(fleet.jlive("audit", "--json"));
    assertThat(verified.stdout()).startsWith("audit log OK: " + all.size() + " records");
    CliRun head = fleet.jlive("audit", "head");
    assertThat(head.stdout().trim())
        .isEqualTo(
            "record "
                + all.get(all.size() - 1).get("seq")
                + "  sha256 "
                + all.get(all.size() - 1).get("hash"));

    // An export verifies on its own, and an edit in it is named the same way.
    Path export = FleetFixture.tempDir("audit-export").resolve("audit.jsonl");
    Files.writeString(export, fleet.jlive("audit", "--json").stdout(), StandardCharsets.UTF_8);
    assertThat(CliRun.jlive("audit", "verify", "--file", export.toString()).exitCode()).isZero();
    List<String> lines = new ArrayList<>(Files.readAllLines(export, StandardCharsets.UTF_8));
    lines.set(1, lines.get(1).replace("\"user\":\"" + me + "\"", "\"user\":\"someone-else\""));
    Files.write(export, lines, StandardCharsets.UTF_8);
    CliRun editedExport = CliRun.jlive("audit", "verify", "--file", export.toString());
    assertThat(editedExport.exitCode()).as(editedExport.toString()).isEqualTo(10);
    assertThat(editedExport.stdout())
        .contains("audit log BROKEN at record 2: record 2: hash does not match its content");

    // Edited in ZooKeeper: named, and fine again once put back.
    String second = RECORDS + String.format("%019d", 2);
    byte[] original = zooKeeper.getData().forPath(second);
    zooKeeper
        .setData()
        .forPath(
            second,
            new String(original, StandardCharsets.UTF_8)
                .replace("\"user\":\"" + me + "\"", "\"user\":\"someone-else\"")
                .getBytes(StandardCharsets.UTF_8));
    CliRun edited = fleet.jlive("audit", "verify");
    assertThat(edited.exitCode()).as(edited.toString()).isEqualTo(10);
    assertThat(edited.stdout())
        .contains("audit log BROKEN at record 2: record 2: hash does not match its content");
    CliRun editedJson = fleet.jlive("audit", "verify", "--json");
    assertThat(editedJson.exitCode()).isEqualTo(10);
    assertThat(editedJson.json().get("badSequence")).isEqualTo(2L);
    zooKeeper.setData().forPath(second, original);
    assertThat(fleet.jlive("audit", "verify").exitCode()).isZero();

    // Deleted in ZooKeeper: the gap is named.
    zooKeeper.delete().forPath(RECORDS + String.format("%019d", 3));
    CliRun deleted = fleet.jlive("audit", "verify");
    assertThat(deleted.exitCode()).as(deleted.toString()).isEqualTo(10);
    assertThat(deleted.stdout())
        .contains("audit log BROKEN at record 3: record 3 is missing (2 → 4)");
  }

  private static List<Map<String, Object>> jsonLines(CliRun run) {
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return run.stdout().lines().map(Json::parseObject).toList();
  }
}

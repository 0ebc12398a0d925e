package dev.jlive.protocol.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chain's hash and walk on their own, as `jlive audit verify --file` uses them. */
class AuditChainTest {
  private static List<Map<String, Object>> chain(int length) {
    List<Map<String, Object>> records = new ArrayList<>();
    String previous = AuditChain.GENESIS;
    for (int i = 1; i <= length; i++) {
      AuditRecord record =
          new AuditRecord(
                  i,
                  Instant.parse("2026-12-01T10:00:00Z").plusSeconds(i),
                  "ann",
                  "patcher",
                  "10.0.0.7",
                  "revert",
                  "shop",
                  "c" + i,
                  "ok",
                  200,
                  null,
                  null,
                  previous,
                  null)
              .sealed();
      // As read back from the store or an export: parsed JSON, not the record.
      records.add(Json.parseObject(Json.write(record.toJson())));
      previous = record.hash();
    }
    return records;
  }

  private static AuditVerdict walk(List<Map<String, Object>> records) {
    AuditChain.Walk walk = new AuditChain.Walk();
    for (Map<String, Object> record : records) {
      if (!walk.next(((Number) record.get("seq")).longValue(), record)) {
        break;
      }
    }
    return walk.verdict(null, null);
  }

  @Test
  void theHashDoesNotDependOnTheOrderOfFields() {
    Map<String, Object> record = chain(1).get(0);
    Map<String, Object> reversed = new LinkedHashMap<>();
    List<String> keys = new ArrayList<>(record.keySet());
    Collections.reverse(keys);
    keys.forEach(key -> reversed.put(key, record.get(key)));
    assertThat(Json.write(reversed)).isNotEqualTo(Json.write(record));
    assertThat(AuditChain.hash(reversed)).isEqualTo(AuditChain.hash(record)).hasSize(64);
    assertThat(AuditChain.hash(record)).isEqualTo(record.get("hash"));
  }

  @Test
  void aWholeChainHoldsAndItsLastHashIsTheHead() {
    List<Map<String, Object>> records = chain(4);
    AuditVerdict verdict = walk(records);
    assertThat(verdict.ok()).isTrue();
    assertThat(verdict.checked()).isEqualTo(4);
    assertThat(verdict.lastHash()).isEqualTo(records.get(3).get("hash"));
  }

  @Test
  void aChangedFieldAMissingRecordAndARepeatedOneAreNamed() {
    List<Map<String, Object>> edited = chain(4);
    edited.get(1).put("status", 500L);
    assertThat(walk(edited).problem()).isEqualTo("record 2: hash does not match its content");

    List<Map<String, Object>> gap = chain(4);
    gap.remove(2);
    assertThat(walk(gap).problem()).isEqualTo("record 3 is missing (2 → 4)");
    assertThat(walk(gap).badSequence()).isEqualTo(3);

    List<Map<String, Object>> twice = chain(3);
    twice.add(twice.get(2));
    assertThat(walk(twice).problem()).isEqualTo("record 3 appears twice or out of order");
  }

  @Test
  void anExportThatStartsLaterIsCheckedFromItsFirstRecord() {
    List<Map<String, Object>> tail = chain(5).subList(2, 5);
    AuditChain.Walk walk = AuditChain.Walk.after(2, (String) tail.get(0).get("previous"));
    tail.forEach(record -> walk.next(((Number) record.get("seq")).longValue(), record));
    AuditVerdict verdict = walk.verdict(null, null);
    assertThat(verdict.ok()).isTrue();
    assertThat(verdict.checked()).isEqualTo(3);
    assertThat(verdict.lastSequence()).isEqualTo(5);
  }
}

package dev.jlive.controller.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableDiffTest {
  private final TableDiff table = new TableDiff("processes", "id");

  private static Map<String, Object> answer(List<Map<String, Object>> rows) {
    return Map.of("service", "shop", "processes", rows);
  }

  private static Map<String, Object> row(String id, String seen) {
    return Map.of("id", id, "lastSeen", seen);
  }

  @Test
  void theFirstAnswerGoesWholeThenOnlyTheRowsThatChangedOrWentAway() {
    Map<String, Object> first = answer(List.of(row("p1", "1"), row("p2", "1"), row("p3", "1")));
    assertThat(table.next(first)).isSameAs(first);

    Object second = table.next(answer(List.of(row("p1", "1"), row("p2", "2"), row("p4", "1"))));
    assertThat(second)
        .isEqualTo(
            Map.of(
                "diff",
                Map.of(
                    "field",
                    "processes",
                    "key",
                    List.of("id"),
                    "changed",
                    List.of(row("p2", "2"), row("p4", "1")),
                    "removed",
                    List.of("p3")),
                "rest",
                Map.of("service", "shop")));

    assertThat(table.next(answer(List.of(row("p1", "1"), row("p2", "2"), row("p4", "1")))))
        .as("nothing changed: nothing to send")
        .isNull();
  }

  @Test
  void aRefusalGoesWholeAndTheNextTableGoesWholeAgain() {
    table.next(answer(List.of(row("p1", "1"))));
    Map<String, Object> refused = Map.of("refused", Map.of("error", "FORBIDDEN"), "status", 403);
    assertThat(table.next(refused)).isSameAs(refused);
    Map<String, Object> again = answer(List.of(row("p1", "1")));
    assertThat(table.next(again)).isSameAs(again);
  }

  @Test
  void aRowIsKeyedByItsKeyFieldsJoinedAsThePageJoinsThem() {
    TableDiff metrics = new TableDiff("processes", "process", "change");
    Map<String, Object> noChange = new HashMap<>(Map.of("process", "p1", "calls", 1));
    noChange.put("change", null);
    metrics.next(answer(List.of(Map.of("process", "p1", "change", "c1", "calls", 1), noChange)));

    Map<?, ?> diff =
        (Map<?, ?>)
            ((Map<?, ?>)
                    metrics.next(
                        answer(List.of(Map.of("process", "p1", "change", "c1", "calls", 2)))))
                .get("diff");
    assertThat(diff.get("key")).isEqualTo(List.of("process", "change"));
    assertThat(diff.get("changed"))
        .isEqualTo(List.of(Map.of("process", "p1", "change", "c1", "calls", 2)));
    // null joins as "" (JavaScript's [a, null].join("/") is "a/"), so the page finds the row.
    assertThat(diff.get("removed")).isEqualTo(List.of("p1/"));
  }
}

package dev.jlive.agent.patch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.patch.PatchRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PatchSourceLogTest {
  @Test
  void keepsTheLastPatchesUpToTheCountAndDropsTheOldestFirst() {
    PatchSourceLog log = new PatchSourceLog(3, 1_000);
    for (int i = 1; i <= 5; i++) {
      log.add("x" + i, source("class Cart { int v = " + i + "; }"));
    }
    assertThat(ids(log)).containsExactly("x3", "x4", "x5");
  }

  @Test
  void keepsNoMoreSourceThanTheBudgetButAlwaysTheNewest() {
    PatchSourceLog log = new PatchSourceLog(20, 100);
    log.add("x1", source("a".repeat(60)));
    log.add("x2", source("b".repeat(30)));
    assertThat(ids(log)).as("90 characters fit in 100").containsExactly("x1", "x2");
    log.add("x3", source("c".repeat(30)));
    assertThat(ids(log)).as("120 do not: the oldest goes").containsExactly("x2", "x3");
    log.add("x4", source("d".repeat(500)));
    assertThat(ids(log)).as("the newest stays alone, over the budget").containsExactly("x4");
  }

  @Test
  void keepsTheSourcesAndTheMethodButNotPatchesOfClassFiles() {
    PatchSourceLog log = new PatchSourceLog();
    log.add("x1", PatchRequest.ofClassFiles(List.of(new byte[] {1, 2})).build());
    log.add(
        "x2", PatchRequest.ofMethod("com.acme.Cart#total()", "int total() { return 1; }").build());
    log.add("x3", source("package com.acme; public class Cart {}"));
    assertThat(ids(log)).containsExactly("x2", "x3");
    assertThat(log.toJson().get(0).get("spec"))
        .isEqualTo(
            Map.of("method", "com.acme.Cart#total()", "methodSource", "int total() { return 1; }"));
    assertThat(log.toJson().get(1).get("spec"))
        .isEqualTo(
            Map.of(
                "sources",
                List.of(
                    Map.of(
                        "name", "Cart.java", "code", "package com.acme; public class Cart {}"))));
  }

  private static PatchRequest source(String code) {
    return PatchRequest.ofSources(List.of(new PatchRequest.Source("Cart.java", code))).build();
  }

  private static List<Object> ids(PatchSourceLog log) {
    return log.toJson().stream().map(one -> one.get("id")).toList();
  }
}

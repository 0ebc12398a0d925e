package dev.jlive.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoadResultTest {
  @Test
  void readsTheDemoDriversSummaryLine() {
    LoadResult result =
        LoadResult.of(
            List.of(
                "load elapsed=5.0 requests=4210 rps=842.0 errors=51 p50_ms=1.9 p99_ms=33.0",
                "load done elapsed=10.0 requests=8391 rps=839.1 errors=97 p50_ms=1.9 p99_ms=33.0 rejected=4"));

    assertThat(result).isEqualTo(new LoadResult(10.0, 8391, 839.1, 97, 4, 1.9, 33.0));
  }

  @Test
  void saysSoWhenTheFormatChanged() {
    assertThatThrownBy(() -> LoadResult.parse("load done elapsed=10.0 requests=8391"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("changed format");
    assertThatThrownBy(() -> LoadResult.of(List.of("load elapsed=5.0 requests=1")))
        .hasMessageContaining("no 'load done' line");
  }
}

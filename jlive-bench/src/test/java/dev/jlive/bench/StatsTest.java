package dev.jlive.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(Stats.of(List.of(5.0, 1.0, 3.0)).median()).isEqualTo(3.0);
    assertThat(Stats.of(List.of(4.0, 1.0, 3.0, 2.0)).median()).isEqualTo(2.5);
  }

  @Test
  void keepsTheFirstValueApartFromTheOrder() {
    Stats stats = Stats.of(List.of(9.0, 1.0, 2.0));
    assertThat(stats.first()).isEqualTo(9.0);
    assertThat(stats.max()).isEqualTo(9.0);
    assertThat(stats.min()).isEqualTo(1.0);
  }
}

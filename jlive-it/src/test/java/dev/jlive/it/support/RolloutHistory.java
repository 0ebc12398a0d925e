package dev.jlive.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

/** Assertions on a rollout's history, as `jlive rollout status --json` prints it. */
public final class RolloutHistory {
  private RolloutHistory() {}

  /**
   * Each of waves 1 to {@code waves} was reached once and passed once, in that order, and nothing
   * else was decided in it; a controller's "took over" is left aside (which wave it lands in
   * depends on when the driver died).
   */
  public static void assertEachWaveReachedAndPassed(List<Map<String, Object>> history, int waves) {
    for (int wave = 1; wave <= waves; wave++) {
      int number = wave;
      List<Object> decided =
          history.stream()
              .filter(d -> ((Number) d.get("wave")).intValue() == number)
              .map(d -> d.get("decision"))
              .filter(d -> !"took over".equals(d))
              .toList();
      assertThat(decided).as("wave %s in %s", wave, history).containsExactly("reached", "passed");
    }
  }
}

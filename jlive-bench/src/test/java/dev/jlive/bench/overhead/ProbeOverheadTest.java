package dev.jlive.bench.overhead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.protocol.probe.ProbeSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbeOverheadTest {
  @Test
  void theTwinsComputeTheSame() {
    Target target = new Target();
    Baseline baseline = new Baseline();
    for (int x = -1000; x <= 1000; x++) {
      assertThat(target.work(x)).isEqualTo(baseline.work(x));
    }
  }

  @Test
  void everyScenarioHasASpecAndBudgetsStayOutOfTheWay() {
    assertThat(ProbeOverhead.spec("none")).isNull();
    for (String scenario :
        new String[] {
          "count", "metrics", "metrics-every-call", "log-when-false", "log-rate-limited"
        }) {
      Map<String, Object> spec = ProbeOverhead.spec(scenario);
      assertThat(spec)
          .containsEntry("selector", ProbeOverhead.SELECTOR)
          .containsEntry("cpuPercent", 100.0);
      // ProbeControl sends it as a ProbeSpec: the bench's spec must pass the agent's own checks.
      assertThat(ProbeSpec.fromJson(spec).toJson()).isEqualTo(spec);
    }
    assertThat(ProbeOverhead.spec("metrics")).doesNotContainKey("timeOneIn");
    assertThat(ProbeOverhead.spec("metrics-every-call"))
        .containsEntry("kind", "metrics")
        .containsEntry("timeOneIn", 1);
    assertThatThrownBy(() -> ProbeOverhead.spec("logs"))
        .hasMessageContaining("unknown scenario 'logs'");
  }
}

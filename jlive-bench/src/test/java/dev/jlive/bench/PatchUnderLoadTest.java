package dev.jlive.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PatchUnderLoadTest {
  @Test
  void countsTheDemosServerErrorsAndThoseThrownByJliveApart() {
    String log =
        String.join(
            "\n",
            "Nov 25, 2026 7:17:08 PM dev.jlive.demo.http.ErrorFence answer",
            "WARNING: GET /carts/c1 failed at java.lang.IllegalStateException at jlive-core//dev.jlive.agent.safepoint.Gates.reinvoke"
                + "(Gates.java:52); answered 500",
            "java.lang.IllegalStateException: the safe-point gate 31 is gone",
            "\tat jlive-core//dev.jlive.agent.safepoint.Gates.reinvoke(Gates.java:52)",
            "Nov 25, 2026 7:17:09 PM dev.jlive.demo.http.ErrorFence answer",
            "FINE: POST /carts/c9/checkout failed at java.lang.ArithmeticException at dev.jlive.demo.shop.Checkout.averageItemPriceCents"
                + "(Checkout.java:39); answered 500",
            "java.lang.ArithmeticException: / by zero",
            "");

    PatchUnderLoad.ServerErrors errors = PatchUnderLoad.ServerErrors.in(log);

    assertThat(errors.all()).isEqualTo(2);
    assertThat(errors.fromJlive())
        .containsExactly("java.lang.IllegalStateException: the safe-point gate 31 is gone");
  }
}

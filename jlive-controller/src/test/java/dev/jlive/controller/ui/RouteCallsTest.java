package dev.jlive.controller.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.controller.auth.Grant;
import dev.jlive.controller.auth.Principal;
import dev.jlive.controller.auth.Role;
import dev.jlive.controller.http.ControllerServer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every error answer the dashboard makes of a failed route says what to do next. */
class RouteCallsTest {
  private static final Principal ADMIN = new Principal("ada", List.of(new Grant(Role.ADMIN, null)));

  @Test
  void anInvalidRequestAnswersWithAHint() {
    RouteCalls.Answer answer =
        call(
            (call, reply) -> {
              throw new IllegalArgumentException("'waves' must be a list");
            });
    assertThat(answer.status()).isEqualTo(400);
    assertThat(hint(answer)).isNotBlank();
  }

  @Test
  void aStoppingDashboardAnswersWithAHint() {
    Thread.currentThread().interrupt();
    // The router never answers: the wait for its answer is interrupted at once.
    RouteCalls.Answer answer = call((call, reply) -> {});
    assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
    assertThat(answer.status()).isEqualTo(500);
    assertThat(message(answer)).contains("stopping");
    assertThat(hint(answer)).isNotBlank();
  }

  @Test
  void aCheckedFailureAnswersWithAHint() {
    RouteCalls.Answer answer =
        call(
            (call, reply) -> {
              throw new IOException("disk full");
            });
    assertThat(answer.status()).isEqualTo(500);
    assertThat(message(answer)).contains("disk full");
    assertThat(hint(answer)).isNotBlank();
  }

  @Test
  void aRuntimeFailureAnswersWithAHint() {
    RouteCalls.Answer answer =
        call(
            (call, reply) -> {
              throw new IllegalStateException("broken");
            });
    assertThat(answer.status()).isEqualTo(500);
    assertThat(hint(answer)).isNotBlank();
  }

  private static RouteCalls.Answer call(ControllerServer.Router router) {
    return new RouteCalls(router).get(ADMIN, "/v1/services", Map.of(), "127.0.0.1");
  }

  private static Map<?, ?> error(RouteCalls.Answer answer) {
    return (Map<?, ?>) ((Map<?, ?>) answer.body()).get("error");
  }

  private static String message(RouteCalls.Answer answer) {
    return String.valueOf(error(answer).get("message"));
  }

  private static String hint(RouteCalls.Answer answer) {
    Object hint = error(answer).get("hint");
    return hint == null ? "" : hint.toString();
  }
}

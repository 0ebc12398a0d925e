package dev.jlive.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.fleet.ClassAnswer;
import dev.jlive.protocol.fleet.ClassQuestion;
import dev.jlive.protocol.fleet.RegisterAnswer;
import dev.jlive.protocol.fleet.RegisterBody;
import dev.jlive.protocol.fleet.SyncAnswer;
import dev.jlive.protocol.fleet.SyncBody;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /v1/services/{s}/selector} on the controller: the question rides the parked long poll
 * of each process whose agent answers class questions, and the check reports the merged answers
 * with how many processes were asked and answered; an agent of the protocol before, which would
 * never answer, is not asked, and a service of such agents gets the syntax check alone.
 */
class SelectorCheckRouteTest {
  private static final String CART = "com.acme.Cart";

  @RegisterExtension
  static final ControllerOnZooKeeper fixture = new ControllerOnZooKeeper(Duration.ofSeconds(10));

  /** The controller's admin, and an agent for the agent protocol. */
  private static Http http() {
    return fixture.http();
  }

  private static String register(String service, int protocol, int pid) {
    Http.Answer answer =
        http()
            .post(
                FleetApi.REGISTER,
                new RegisterBody(
                        protocol, service, "host-a", pid, "17", "test", Map.of(), "i" + pid)
                    .toJson());
    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
    return RegisterAnswer.fromWire(answer.body()).process();
  }

  /** Syncs once to learn the desired version, then parks a long poll: what a real agent does. */
  private static CompletableFuture<Http.Answer> park(String process, int protocol) {
    Http.Answer first =
        http()
            .post(
                FleetApi.SYNC,
                new SyncBody(protocol, process, -1, 0, Map.of(), Map.of(), List.of(), 0).toJson());
    long version = SyncAnswer.fromWire(first.body()).desiredVersion();
    return http()
        .send(
            "POST",
            FleetApi.SYNC,
            new SyncBody(protocol, process, version, 30_000, Map.of(), Map.of(), List.of(), 0)
                .toJson());
  }

  private static Http.Answer check(String service, String text) {
    return http()
        .get(
            FleetApi.selector(service)
                + "?text="
                + URLEncoder.encode(text, StandardCharsets.UTF_8));
  }

  @Test
  void theQuestionRidesTheLongPollOfCurrentAgentsOnlyAndTheCheckSaysHowManyAnswered()
      throws Exception {
    String current = register("cart", FleetApi.PROTOCOL_VERSION, 101);
    int old = FleetApi.FIRST_CLASS_QUESTION_PROTOCOL_VERSION - 1;
    String older = register("cart", old, 102);
    CompletableFuture<Http.Answer> currentPoll = park(current, FleetApi.PROTOCOL_VERSION);
    CompletableFuture<Http.Answer> olderPoll = park(older, old);

    CompletableFuture<Http.Answer> checked =
        CompletableFuture.supplyAsync(() -> check("cart", CART + "#ad"));
    // The current agent's parked poll is answered at once, with the question.
    Http.Answer woken = currentPoll.get();
    List<ClassQuestion> questions = ClassQuestion.listFromWire(woken.body());
    assertThat(questions).hasSize(1);
    ClassQuestion question = questions.get(0);
    assertThat(question.className()).isEqualTo(CART);
    assertThat(question.limit()).isEqualTo(20);
    http()
        .post(
            FleetApi.CLASS_ANSWERS,
            new ClassAnswer(
                    current,
                    question.id(),
                    Map.of("classes", List.of(Map.of("name", CART))),
                    Map.of(
                        "classes",
                        List.of(
                            Map.of(
                                "name",
                                CART,
                                "methods",
                                List.of(
                                    Map.of(
                                        "name",
                                        "add",
                                        "descriptor",
                                        "(I)V",
                                        "signature",
                                        "add(int)"))))))
                .toJson());

    Map<String, Object> answer = checked.get().body();
    assertThat(answer.get("loaded")).isEqualTo(true);
    assertThat(answer.get("methods")).isEqualTo(List.of("add(int)"));
    assertThat(answer.get("refusal")).isNull();
    assertThat(answer.get("processes"))
        .isEqualTo(Map.of("live", 2L, "asked", 1L, "answered", 1L, "loadedIn", 1L));
    // Control: the older agent's poll was woken too (the whole service's are), with no question.
    assertThat(olderPoll.get().body()).doesNotContainKey(SyncAnswer.CLASS_QUESTIONS);
  }

  @Test
  void aServiceOfOlderAgentsOnlyGetsTheSyntaxCheck() {
    int old = FleetApi.FIRST_CLASS_QUESTION_PROTOCOL_VERSION - 1;
    park(register("legacy", old, 201), old);

    Http.Answer answer = check("legacy", CART + "#add");
    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
    assertThat(answer.body()).containsEntry("syntaxOnly", true).containsEntry("loaded", null);
    // The syntax is still checked.
    Http.Answer bad = check("legacy", CART + "#add(");
    assertThat(bad.body().get("refusal")).isNotNull();
  }
}

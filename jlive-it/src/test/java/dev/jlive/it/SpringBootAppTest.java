package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.HttpLoad;
import dev.jlive.it.support.LiveChanges;
import dev.jlive.it.support.SpringApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Spring Boot 3.5 web application jlive did not write, run from its executable jar (nested jars,
 * Boot's own class loader) and attached dynamically. Its controller reaches the service through a
 * lazy CGLIB proxy. Requests run all the time, with and without query parameters; none may fail.
 */
class SpringBootAppTest {
  private static final String PACKAGE = "dev.jlive.itapps.spring.";
  private static SpringApp app;
  private HttpLoad load;

  @BeforeAll
  static void start() throws Exception {
    app = SpringApp.startAttached();
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  @BeforeEach
  void startLoad() {
    load = HttpLoad.start(app.base() + "/price?item=pear&quantity=3", app.base() + "/price");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(load.answered())
                    .as("answered; failures: %s", load.failures())
                    .isGreaterThan(10));
  }

  @AfterEach
  void stopLoad() throws Exception {
    app.jlive().revertAll();
    long answered = load.answered();
    await().atMost(Duration.ofSeconds(30)).until(() -> load.answered() > answered + 10);
    load.close();
    assertThat(load.failures()).as("failed requests").isEmpty();
  }

  @Test
  void countAndMetricsProbesOnAControllerMethodWhileRequestsRun() throws Exception {
    String count = app.jlive().probe(PACKAGE + "PriceController#price", "--count");
    String metrics = app.jlive().probe(PACKAGE + "PriceController#price", "--metrics");
    long answered = load.answered();
    await().atMost(Duration.ofSeconds(30)).until(() -> load.answered() > answered + 100);

    assertThat(app.jlive().hits(count)).isGreaterThanOrEqualTo(100);
    Map<String, Object> numbers = app.jlive().metrics(metrics);
    assertThat(((Number) numbers.get("calls")).longValue()).isGreaterThanOrEqualTo(100);
    assertThat((Map<?, ?>) numbers.get("exceptions")).isEmpty();
    assertThat(app.jlive().state(count)).containsEntry("state", "active");
    assertThat(app.jlive().state(metrics)).containsEntry("state", "active");
  }

  @Test
  void aSourcePatchOfAServiceMethodChangesTheAnswerAndRevertRestoresIt() throws Exception {
    // The service is reached through Spring's CGLIB proxy, a subclass generated at run time.
    assertThat(
            LiveChanges.succeed("classes", app.jlive().pid(), PACKAGE + "QuoteService*").stdout())
        .contains("SpringCGLIB");
    assertThat(load.get(app.base() + "/price?item=fig&quantity=2"))
        .isEqualTo("200 fig x2 costs 500");
    String source =
        Files.readString(
            Artifacts.springSources()
                .resolve((PACKAGE + "QuoteService").replace('.', '/') + ".java"));
    assertThat(source).contains("\" costs \"");
    Path patched =
        Files.createTempDirectory(Artifacts.work(), "spring-patch").resolve("QuoteService.java");
    Files.writeString(patched, source.replace("\" costs \"", "\" now costs \""));

    CliRun patch = LiveChanges.succeed("patch", app.jlive().pid(), patched.toString(), "--json");
    assertThat(load.get(app.base() + "/price?item=fig&quantity=2"))
        .isEqualTo("200 fig x2 now costs 500");
    await().atMost(Duration.ofSeconds(30)).until(() -> load.last().contains(" now costs "));

    LiveChanges.succeed("revert", app.jlive().pid(), (String) patch.json().get("id"));
    assertThat(load.get(app.base() + "/price?item=fig&quantity=2"))
        .isEqualTo("200 fig x2 costs 500");
    await().atMost(Duration.ofSeconds(30)).until(() -> !load.last().contains(" now costs "));
  }
}

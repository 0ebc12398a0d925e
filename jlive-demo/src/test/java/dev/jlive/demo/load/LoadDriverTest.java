package dev.jlive.demo.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.demo.DemoClient;
import dev.jlive.demo.DemoService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadDriverTest {

  private static final Pattern PROGRESS =
      Pattern.compile(
          "load elapsed=\\d+\\.\\d requests=\\d+ rps=\\d+\\.\\d errors=\\d+"
              + " p50_ms=\\d+\\.\\d p99_ms=\\d+\\.\\d");
  private static final Pattern DONE =
      Pattern.compile(
          "load done elapsed=\\d+\\.\\d requests=\\d+ rps=\\d+\\.\\d errors=\\d+"
              + " p50_ms=\\d+\\.\\d p99_ms=\\d+\\.\\d rejected=\\d+");

  private DemoService service;
  private URI target;

  @BeforeEach
  void start() {
    service = new DemoService().start(0);
    target = URI.create("http://127.0.0.1:" + service.port());
  }

  @AfterEach
  void stop() {
    service.stop();
  }

  @Test
  void shortRunDrivesTheShopAndSummarises() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    LoadOptions options =
        LoadOptions.against(target).withThreads(2).withDuration(Duration.ofSeconds(2));

    LoadReport report =
        new LoadDriver(options).run(new PrintStream(printed, true, StandardCharsets.UTF_8));

    List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
    assertThat(lines.subList(0, lines.size() - 1))
        .allMatch(line -> PROGRESS.matcher(line).matches());
    assertThat(lines.get(lines.size() - 1)).matches(DONE).startsWith("load done");
    assertThat(report.requests()).isPositive();
    assertThat(report.elapsed()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(report.errors()).isLessThanOrEqualTo(report.requests());
    // The requests were real: the shop saw the customers' carts.
    assertThat(new DemoClient(service).stat("carts")).isPositive();
  }

  @Test
  void neverExceedsTheTargetRate() throws Exception {
    LoadOptions options =
        LoadOptions.against(target).withThreads(2).withRate(20).withDuration(Duration.ofSeconds(2));

    LoadReport report =
        new LoadDriver(options).run(new PrintStream(OutputStream.nullOutputStream()));

    // Slots are 50 ms apart and the first is free: at most one per slot started in the run.
    double seconds = report.elapsed().toNanos() / 1e9;
    assertThat(report.requests()).isPositive().isLessThanOrEqualTo((long) (seconds * 20) + 1);
  }

  @Test
  void unboundedRunEndsOnStopAndStillSummarises() throws Exception {
    LoadOptions options =
        LoadOptions.against(target)
            .withThreads(1)
            .withDuration(Duration.ZERO)
            .withReportEvery(Duration.ofMillis(100));
    LoadDriver driver = new LoadDriver(options);
    CountDownLatch firstProgress = new CountDownLatch(1);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out =
        new PrintStream(printed, true, StandardCharsets.UTF_8) {
          @Override
          public void println(String line) {
            super.println(line);
            firstProgress.countDown();
          }
        };

    CompletableFuture<LoadReport> run =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return driver.run(out);
              } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
              }
            });
    assertThat(firstProgress.await(30, TimeUnit.SECONDS)).isTrue();
    driver.stop();

    assertThat(run.get(30, TimeUnit.SECONDS).requests()).isNotNegative();
    assertThat(driver.awaitFinished(Duration.ZERO)).isTrue();
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("load done ");
  }

  @Test
  void failsFastWhenNothingListensAtTheTarget() {
    URI nowhere = target;
    service.stop();

    assertThatThrownBy(() -> new LoadDriver(LoadOptions.against(nowhere)).run(System.out))
        .isInstanceOf(IOException.class);
  }

  @Test
  void onlyTargetsLoopback() {
    assertThatThrownBy(() -> LoadOptions.against(URI.create("http://192.0.2.1:8080")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loopback");
    assertThat(LoadOptions.against(URI.create("http://[::1]:8080")).target().getHost())
        .isEqualTo("[::1]");
  }
}

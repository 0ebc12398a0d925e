package dev.jlive.cli.demo;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.attach.AgentJar;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The demo shop as a child process of the tour: started, called over HTTP, and stopped. */
final class DemoService implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("jlive-demo ready port=(\\d+) pid=(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private DemoService(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static DemoService start() throws IOException, InterruptedException {
    return start(List.of(), 20);
  }

  /**
   * Starts the shop with {@code javaOptions} (e.g. a {@code -javaagent} that links it to a
   * controller) before its jar, its shoppers making {@code rate} visits a second.
   */
  static DemoService start(List<String> javaOptions, int rate)
      throws IOException, InterruptedException {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(javaOptions);
    // A few shoppers keep it busy, so there are request threads and state to look at.
    command.addAll(
        List.of(
            "-jar",
            AgentJar.demo().toString(),
            "--load",
            "--rate",
            Integer.toString(rate),
            "--threads",
            "2",
            "--duration",
            "0"));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Integer> ready =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  Matcher matcher = READY.matcher(line);
                  if (matcher.find()) {
                    return Integer.parseInt(matcher.group(1));
                  }
                }
                return -1;
              } catch (IOException e) {
                return -1;
              }
            });
    try {
      int port = ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (port < 0) {
        throw new CliException(
            ExitCode.ERROR,
            "DEMO_FAILED",
            "the demo service exited before it was ready",
            "run it alone to see why: java -jar jlive-demo/target/jlive-demo.jar");
      }
      drain(lines);
      return new DemoService(process, port);
    } catch (TimeoutException | ExecutionException e) {
      process.destroyForcibly();
      throw new CliException(
          ExitCode.ERROR,
          "DEMO_FAILED",
          "the demo service did not get ready within " + START_TIMEOUT.toSeconds() + " s",
          "the machine may be overloaded; run it alone to see: java -jar jlive-demo/target/jlive-demo.jar");
    }
  }

  /** Keeps reading the service's output so that it never blocks on a full pipe. */
  private static void drain(BufferedReader lines) {
    Thread drainer =
        new Thread(
            () -> {
              try {
                while (lines.readLine() != null) {
                  // The tour shows the service through jlive, not through its output.
                }
              } catch (IOException e) {
                // The service ended.
              }
            },
            "demo-output");
    drainer.setDaemon(true);
    drainer.start();
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int port() {
    return port;
  }

  /** Sends a request to the service and returns the status line and body, for showing. */
  String call(String method, String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}

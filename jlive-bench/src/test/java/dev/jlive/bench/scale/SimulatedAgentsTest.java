package dev.jlive.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jlive.protocol.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One simulated agent against a scripted stand-in controller: apply and report at once, revert, register again. */
class SimulatedAgentsTest {
  @Test
  void appliesReportsRevertsAndRegistersAgain() throws Exception {
    BlockingQueue<Map<String, Object>> syncs = new LinkedBlockingQueue<>();
    AtomicInteger registrations = new AtomicInteger();
    AtomicInteger step = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/agents/register", exchange -> {
      registrations.incrementAndGet();
      answer(exchange, 200, Map.of("process", "p1", "heartbeatMillis", 50));
    });
    server.createContext("/v1/agents/sync", exchange -> {
      Map<String, Object> body = Json.parseObject(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      syncs.add(body);
      switch (step.getAndIncrement()) {
        case 0 -> answer(exchange, 200, Map.of("desiredVersion", 1, "changes", List.of(Map.of("id", "c1", "kind", "probe"))));
        case 1 -> answer(exchange, 200, Map.of("desiredVersion", 2, "changes", List.of()));
        case 2, 3 -> answer(exchange, 200, Map.of("desiredVersion", 2, "unchanged", true));
        case 4 -> answer(exchange, 404, Map.of("error", Map.of("code", "UNKNOWN_PROCESS", "message", "gone", "hint", "")));
        default -> answer(exchange, 200, Map.of("desiredVersion", 2, "unchanged", true));
      }
    });
    server.start();
    List<String> received = new CopyOnWriteArrayList<>();
    try (SimulatedAgents agents = new SimulatedAgents(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "t",
        "svc", 1, 4242, Map.of(), 1, (index, id, nanos) -> received.add(id))) {
      agents.start();
      assertThat(next(syncs)).containsEntry("desiredVersion", -1L).containsEntry("waitMillis", 0L);
      // The change is applied at once and reported with a sync that does not wait.
      assertThat(next(syncs)).containsEntry("waitMillis", 0L).containsEntry("changes", Map.of("c1", Map.of("state", "applied")));
      assertThat(received).containsExactly("c1");
      // Gone from the desired state: reported reverted once, then no more.
      assertThat(next(syncs)).containsEntry("desiredVersion", 2L).containsEntry("changes", Map.of("c1", Map.of("state", "reverted")));
      assertThat(next(syncs)).containsEntry("waitMillis", 50L).containsEntry("changes", Map.of());
      next(syncs);
      // UNKNOWN_PROCESS: register again, then sync from scratch.
      assertThat(next(syncs)).containsEntry("desiredVersion", -1L);
      assertThat(registrations).hasValue(2);
      assertThat(agents.reRegistrations()).isEqualTo(1);
    } finally {
      server.stop(0);
    }
  }

  private static Map<String, Object> next(BlockingQueue<Map<String, Object>> syncs) throws InterruptedException {
    Map<String, Object> body = syncs.poll(30, TimeUnit.SECONDS);
    assertThat(body).as("a sync within 30 s").isNotNull();
    return body;
  }

  private static void answer(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}

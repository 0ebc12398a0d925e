package dev.jlive.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.DesiredChange;
import dev.jlive.protocol.fleet.RegisterAnswer;
import dev.jlive.protocol.fleet.RegisterBody;
import dev.jlive.protocol.fleet.SyncAnswer;
import dev.jlive.protocol.fleet.SyncBody;
import java.io.IOException;
import java.io.OutputStream;
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

/**
 * One simulated agent against a scripted stand-in controller: apply and report at once, revert,
 * register again.
 */
class SimulatedAgentsTest {
  @Test
  void appliesReportsRevertsAndRegistersAgain() throws Exception {
    BlockingQueue<SyncBody> syncs = new LinkedBlockingQueue<>();
    List<RegisterBody> registered = new CopyOnWriteArrayList<>();
    AtomicInteger registrations = new AtomicInteger();
    AtomicInteger step = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        FleetApi.REGISTER,
        exchange -> {
          registrations.incrementAndGet();
          registered.add(
              RegisterBody.fromWire(
                  Json.parseObject(
                      new String(
                          exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))));
          answer(
              exchange,
              200,
              new RegisterAnswer("p1", 50, FleetApi.PROTOCOL_VERSION, null).toJson());
        });
    server.createContext(
        FleetApi.SYNC,
        exchange -> {
          syncs.add(
              SyncBody.fromWire(
                  Json.parseObject(
                      new String(
                          exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))));
          switch (step.getAndIncrement()) {
            case 0 ->
                answer(
                    exchange,
                    200,
                    new SyncAnswer.Changes(
                            1,
                            List.of(
                                new DesiredChange(
                                    "c1",
                                    ChangeKind.PROBE,
                                    Map.of("selector", "a.B#c"),
                                    "ann",
                                    null)))
                        .toJson());
            case 1 -> answer(exchange, 200, new SyncAnswer.Changes(2, List.of()).toJson());
            case 2, 3 -> answer(exchange, 200, new SyncAnswer.Unchanged(2).toJson());
            case 4 ->
                answer(
                    exchange,
                    404,
                    new JLiveException(ErrorCode.UNKNOWN_PROCESS, "gone", "").toJson());
            default -> answer(exchange, 200, new SyncAnswer.Unchanged(2).toJson());
          }
        });
    server.start();
    List<String> received = new CopyOnWriteArrayList<>();
    try (SimulatedAgents agents =
        new SimulatedAgents(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
            "t",
            "svc",
            1,
            4242,
            Map.of(),
            1,
            (index, id, nanos) -> received.add(id))) {
      agents.start();
      SyncBody first = next(syncs);
      assertThat(first.desiredVersion()).isEqualTo(-1);
      assertThat(first.waitMillis()).isZero();
      assertThat(first.protocolVersion()).isEqualTo(FleetApi.PROTOCOL_VERSION);
      // The change is applied at once and reported on the next long poll.
      SyncBody applied = next(syncs);
      assertThat(applied.waitMillis()).isEqualTo(50);
      assertThat(applied.changes()).isEqualTo(Map.of("c1", ChangeReport.of(ProcessState.APPLIED)));
      assertThat(received).containsExactly("c1");
      // Gone from the desired state: reported reverted once, then no more.
      SyncBody reverted = next(syncs);
      assertThat(reverted.desiredVersion()).isEqualTo(2);
      assertThat(reverted.changes())
          .isEqualTo(Map.of("c1", ChangeReport.of(ProcessState.REVERTED)));
      SyncBody idle = next(syncs);
      assertThat(idle.waitMillis()).isEqualTo(50);
      assertThat(idle.changes()).isEmpty();
      next(syncs);
      // UNKNOWN_PROCESS: register again, then sync from scratch.
      assertThat(next(syncs).desiredVersion()).isEqualTo(-1);
      assertThat(registrations).hasValue(2);
      assertThat(registered).extracting(RegisterBody::service).containsExactly("svc", "svc");
      assertThat(agents.reRegistrations()).isEqualTo(1);
      // The apply's CPU is recorded once, for the answer that brought c1 (recorded as its callback
      // ends: five round trips ago); the revert and the idle answers are not applies.
      assertThat(agents.applyCpuNanos("c1")).hasSize(1);
      assertThat(agents.applyCpuNanos("c1")[0]).isPositive();
      assertThat(agents.firstApplyCpuNanos()).isEqualTo(agents.applyCpuNanos("c1")[0]);
      assertThat(agents.applyCpuNanos("c2")).isEmpty();
    } finally {
      server.stop(0);
    }
  }

  private static SyncBody next(BlockingQueue<SyncBody> syncs) throws InterruptedException {
    SyncBody body = syncs.poll(30, TimeUnit.SECONDS);
    assertThat(body).as("a sync within 30 s").isNotNull();
    return body;
  }

  private static void answer(HttpExchange exchange, int status, Map<String, Object> body)
      throws IOException {
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}

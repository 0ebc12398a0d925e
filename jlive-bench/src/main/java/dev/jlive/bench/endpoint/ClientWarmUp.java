package dev.jlive.bench.endpoint;

import com.sun.net.httpserver.HttpServer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.patch.PatchPhase;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.patch.PatchResult;
import dev.jlive.protocol.patch.PatchedClass;
import dev.jlive.protocol.patch.SafepointReport;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The bench's own HTTP client run once through a patch's request and answer, against a stand-in
 * server in the bench's JVM, before it times a JVM's first patch. The bench's client is cold in its
 * first {@code POST} with a body and its first patch answer (up to 10 ms on the busy box,
 * docs/BENCHMARKS.md section 62), and that is the bench's time, not jlive's: the agent is not asked
 * anything here.
 */
public final class ClientWarmUp {
  private ClientWarmUp() {}

  /**
   * Sends {@code request} to the stand-in and reads its answer, an applied patch of the request's
   * size.
   *
   * @return the answer's patch id, to show it was read
   */
  public static String run(PatchRequest request) throws IOException {
    byte[] answer =
        Json.write(
                PatchResult.applied(
                        "x0",
                        "sha256:0",
                        List.of(new PatchedClass("a.B", "app", List.of("c(I)I"))),
                        null,
                        SafepointReport.quiescent(1, 0.5),
                        List.of("a.B#c"))
                    .withPhases(List.of(new PatchPhase("woven", 1.0)))
                    .toJson())
            .getBytes(StandardCharsets.UTF_8);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        Api.PATCHES,
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, answer.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
          }
        });
    server.start();
    try {
      return new AgentEndpoint(
              server.getAddress().getHostString(), server.getAddress().getPort(), "stand-in")
          .applyPatch(request)
          .id();
    } finally {
      server.stop(0);
    }
  }
}

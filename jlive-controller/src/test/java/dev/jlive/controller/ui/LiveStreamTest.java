package dev.jlive.controller.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.controller.auth.Grant;
import dev.jlive.controller.auth.Principal;
import dev.jlive.controller.auth.Role;
import dev.jlive.controller.fleet.ServiceChanges;
import dev.jlive.controller.http.ControllerServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The patch view's sources are looked up again only when the service's change list changes: under
 * {@code jlive ui PID} each lookup is a request to the agent for up to 256 KB of sources, and the
 * stream ticks once a second.
 */
class LiveStreamTest {
  private static final Principal ADMIN = new Principal("ada", List.of(new Grant(Role.ADMIN, null)));

  private final AtomicReference<Object> changeList =
      new AtomicReference<>(Map.of("changes", List.of(change("c1", "active"))));
  private final AtomicInteger lookups = new AtomicInteger();

  @Test
  void theSourcesAreLookedUpOnceWhileTheChangeListStaysTheSame() throws IOException {
    LiveStream stream = stream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int tick = 0; tick < 3; tick++) {
      stream.tick(ADMIN, out);
    }
    assertThat(lookups).hasValue(1);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("event: patch");
  }

  @Test
  void aChangedListLooksTheSourcesUpAgain() throws IOException {
    LiveStream stream = stream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    stream.tick(ADMIN, out);
    changeList.set(Map.of("changes", List.of(change("c1", "active"), change("c2", "active"))));
    stream.tick(ADMIN, out);
    stream.tick(ADMIN, out);
    assertThat(lookups).hasValue(2);
  }

  private LiveStream stream() {
    ControllerServer.Router router =
        (call, reply) -> {
          String path = String.join("/", call.segments());
          reply.send(200, path.endsWith("shop/changes") ? changeList.get() : Map.of());
        };
    PatchSourceLookup patches =
        (service, id) -> {
          lookups.incrementAndGet();
          return new ServiceChanges.PatchSources("+ return 1;", Map.of("kind", "patch"));
        };
    return new LiveStream(
        new RouteCalls(router),
        new ProbeHistory(Map::of),
        patches,
        "shop",
        "c1",
        Duration.ofSeconds(5),
        "127.0.0.1");
  }

  private static Map<String, Object> change(String id, String state) {
    return Map.of("id", id, "kind", "patch", "state", state);
  }
}

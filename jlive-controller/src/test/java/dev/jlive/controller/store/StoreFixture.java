package dev.jlive.controller.store;

import java.time.Duration;
import java.util.List;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A started {@link FleetStore} on a ZooKeeper of its own (Curator's TestingServer), for one test
 * class, with the services it names already there. Held in a static {@code @RegisterExtension}
 * field: it starts before the class's first test and stops after its last.
 */
final class StoreFixture implements BeforeAllCallback, AfterAllCallback {
  private final List<String> services;
  private TestingServer zooKeeper;
  private FleetStore store;

  StoreFixture(String... services) {
    this.services = List.of(services);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    zooKeeper = new TestingServer(true);
    store = new FleetStore(zooKeeper.getConnectString(), Duration.ofSeconds(30));
    store.start(Duration.ofSeconds(20));
    for (String service : services) {
      store.ensureService(service, System.currentTimeMillis());
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (store != null) {
        store.close();
      }
    } finally {
      if (zooKeeper != null) {
        zooKeeper.close();
      }
    }
  }

  FleetStore store() {
    return store;
  }
}

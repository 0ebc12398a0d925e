package dev.jlive.controller;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A controller on a ZooKeeper of its own (Curator's TestingServer) and in a data folder of its own,
 * for one test class, with an {@link Http} that speaks as its admin and as an agent. Held in a
 * static {@code @RegisterExtension} field: it starts before the class's first test and stops after
 * its last.
 */
final class ControllerOnZooKeeper implements BeforeAllCallback, AfterAllCallback {
  private final Duration heartbeat;
  private Path dataDir;
  private TestingServer zooKeeper;
  private Controller controller;
  private Http http;

  /** A heartbeat of {@code heartbeat}: how soon a silent process counts as gone. */
  ControllerOnZooKeeper(Duration heartbeat) {
    this.heartbeat = heartbeat;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dataDir = Files.createTempDirectory("jlive-controller-test");
    zooKeeper = new TestingServer(true);
    controller =
        Controller.start(
            ControllerConfig.defaults(dataDir)
                .withZooKeeper(zooKeeper.getConnectString())
                .withHeartbeat(heartbeat));
    http = Http.asAdminAndAgent(controller);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (controller != null) {
        controller.close();
      }
    } finally {
      zooKeeper.close();
      deleteTree(dataDir);
    }
  }

  Controller controller() {
    return controller;
  }

  Http http() {
    return http;
  }

  String zooKeeperConnectString() {
    return zooKeeper.getConnectString();
  }

  /** The controller's data folder: tests may make folders of their own inside it. */
  Path dataDir() {
    return dataDir;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}

package dev.jlive.controller.store;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A single ZooKeeper server inside the controller, for a controller that runs alone. Its data lives
 * in a directory that survives restarts, so desired state and history do too. It listens on
 * loopback only: other controllers share an external ensemble instead ({@code --zk}).
 *
 * <p>It serves authenticated clients only ({@code enforce.auth}, scheme {@code digest}): a client
 * that has not sent credentials has its session closed at its first request. Any digest
 * authenticates, so the ACLs on every node (see {@link ZooKeeperAccess}) are what keep a client
 * with the wrong password out.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
  private static final List<String> ENFORCE_PROPERTIES =
      List.of("zookeeper.enforce.auth.enabled", "zookeeper.enforce.auth.schemes");
  private final ZooKeeperServerEmbedded server;
  private final int port;

  private EmbeddedZooKeeper(ZooKeeperServerEmbedded server, int port) {
    this.server = server;
    this.port = port;
  }

  /**
   * Starts a server with its data under {@code dataDir/zookeeper}, on {@code port} (0: the last one
   * used, or a free one).
   */
  public static EmbeddedZooKeeper start(Path dataDir, int port) throws Exception {
    Path base = Files.createDirectories(dataDir.resolve("zookeeper"));
    int chosen = port != 0 ? port : rememberedOrFreePort(base);
    Properties config = new Properties();
    config.setProperty("dataDir", base.resolve("data").toString());
    config.setProperty("clientPort", Integer.toString(chosen));
    config.setProperty("clientPortAddress", "127.0.0.1");
    config.setProperty("tickTime", "2000");
    config.setProperty("initLimit", "10");
    config.setProperty("syncLimit", "5");
    config.setProperty("admin.enableServer", "false");
    config.setProperty("maxCnxns", "2000");
    config.setProperty("4lw.commands.whitelist", "ruok,srvr");
    config.setProperty("enforce.auth.enabled", "true");
    config.setProperty("enforce.auth.schemes", "digest");
    ZooKeeperServerEmbedded server;
    // ZooKeeper turns configuration keys it does not know into JVM-wide system properties
    // ("zookeeper." + key), and reads the enforce.auth ones when a server is made. They are put
    // back once this server runs, so that another ZooKeeper server in the same JVM (a test's) is
    // not silently made to demand authentication.
    synchronized (EmbeddedZooKeeper.class) {
      Map<String, String> before = new HashMap<>();
      for (String key : ENFORCE_PROPERTIES) {
        before.put(key, System.getProperty(key));
      }
      try {
        server =
            ZooKeeperServerEmbedded.builder()
                .baseDir(base)
                .configuration(config)
                // ZooKeeper's default on a fatal error is System.exit; the controller decides that
                // itself.
                .exitHandler(ExitHandler.LOG_ONLY)
                .build();
        server.start(TimeUnit.SECONDS.toMillis(30));
      } finally {
        before.forEach(
            (key, value) -> {
              if (value == null) {
                System.clearProperty(key);
              } else {
                System.setProperty(key, value);
              }
            });
      }
    }
    Files.writeString(base.resolve("port"), Integer.toString(chosen));
    return new EmbeddedZooKeeper(server, chosen);
  }

  public String connectString() {
    return "127.0.0.1:" + port;
  }

  /**
   * The port of the last run, so a restarted controller finds its data at the same address (agents
   * never see it; only tools looking at ZooKeeper directly would care).
   */
  private static int rememberedOrFreePort(Path base) throws IOException {
    Path remembered = base.resolve("port");
    if (Files.exists(remembered)) {
      try {
        int port = Integer.parseInt(Files.readString(remembered).trim());
        try (ServerSocket probe = new ServerSocket()) {
          probe.bind(new InetSocketAddress("127.0.0.1", port));
          return port;
        } catch (IOException taken) {
          // fall through to a free port
        }
      } catch (NumberFormatException damaged) {
        // fall through to a free port
      }
    }
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    server.close();
  }
}

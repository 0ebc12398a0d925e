package dev.jlive.cli.demo;

import dev.jlive.cli.attach.AgentJar;
import dev.jlive.controller.Controller;
import dev.jlive.controller.ControllerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The fleet tour's service: a controller in this process, with an embedded ZooKeeper and its data
 * in a temporary folder, and demo shop JVMs linked to it, each under its own load. Closing stops
 * every JVM, then the controller, and deletes the folder.
 */
final class DemoFleet implements AutoCloseable {
  static final String SERVICE = "shop";

  /**
   * The controller's own log, held here so that its level stays set: the tour shows the controller
   * through jlive commands, and its INFO lines would interleave with them.
   */
  private static final Logger CONTROLLER_LOG = Logger.getLogger("jlive.controller");

  private final Path dir;
  private final Controller controller;
  private final AgentJar.Written agentJar;
  private final List<DemoService> shops = new ArrayList<>();
  private Path agentToken;

  private DemoFleet(Path dir, Controller controller, AgentJar.Written agentJar) {
    this.dir = dir;
    this.controller = controller;
    this.agentJar = agentJar;
  }

  static DemoFleet start() throws Exception {
    // ZooKeeper and Curator log through SLF4J: their warnings only, as `jlive controller start`.
    System.setProperty(
        "org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    CONTROLLER_LOG.setLevel(Level.WARNING);
    Path dir = Files.createTempDirectory("jlive-fleet-demo");
    try {
      // A one-second heartbeat: the tour's processes show up, and rollouts move, quickly.
      Controller controller =
          Controller.start(
              ControllerConfig.defaults(dir.resolve("controller"))
                  .withHeartbeat(Duration.ofSeconds(1)));
      return new DemoFleet(dir, controller, AgentJar.agent(false));
    } catch (Exception | Error e) {
      delete(dir);
      throw e;
    }
  }

  String url() {
    return controller.url();
  }

  /** The first admin's token, which the tour's commands use. */
  Path adminToken() {
    return controller.tokenFile();
  }

  /** Keeps the agents' token (of an {@code agent@shop} user) in a file only this user reads. */
  Path agentToken(String token) throws IOException {
    Path file = dir.resolve("shop-agent.token");
    Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    agentToken = file;
    return file;
  }

  /**
   * Starts a shop JVM whose agent joins the service with {@code labels}, its shoppers making {@code
   * rate} requests a second.
   */
  DemoService join(String labels, int rate) throws IOException, InterruptedException {
    AgentJar.verify(agentJar);
    DemoService shop =
        DemoService.start(
            List.of(
                "-javaagent:"
                    + agentJar.path()
                    + "=controller="
                    + url()
                    + ",service="
                    + SERVICE
                    + ",labels="
                    + labels
                    + ",controllerTokenFile="
                    + agentToken
                    + ",quiet"),
            rate);
    shops.add(shop);
    return shop;
  }

  List<DemoService> shops() {
    return List.copyOf(shops);
  }

  /** How many of the shop JVMs still run. */
  long running() {
    return shops.stream().filter(DemoService::isAlive).count();
  }

  @Override
  public void close() throws InterruptedException {
    for (DemoService shop : shops) {
      shop.close();
    }
    controller.close();
    delete(dir);
  }

  /** Best effort: a file left in the temporary folder is no reason to fail the tour. */
  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .sorted(Comparator.reverseOrder())
          .forEach(
              file -> {
                try {
                  Files.deleteIfExists(file);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // Left for the system's cleaning of temporary files.
    }
  }
}

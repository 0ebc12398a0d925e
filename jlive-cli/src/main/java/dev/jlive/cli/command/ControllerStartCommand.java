package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.controller.Controller;
import dev.jlive.controller.ControllerConfig;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Version;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "start",
    description = {
      "Start a controller in the foreground (stop it with Ctrl-C or SIGTERM).",
      "Desired changes, process status and history live in ZooKeeper: an embedded server with its data in --data-dir",
      "by default, or an external ensemble with --zk, which several controllers can share.",
      "Agents join with -javaagent:jlive-agent.jar=controller=URL,service=NAME,controllerTokenFile=FILE, FILE holding",
      "the token of an agent@NAME user: jlive controller users add NAME-agents --role agent@NAME.",
      "The data dir is made 0700 and its secrets 0600; the embedded ZooKeeper accepts only the controllers' credentials."
    })
public final class ControllerStartCommand implements Callable<Integer> {
  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      description =
          "Address to listen on (default 127.0.0.1); another needs --tls-keystore or --allow-plain-http.")
  String host = "127.0.0.1";

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Port to listen on (default 7611; 0 for a free one).")
  int port = 7611;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "The embedded ZooKeeper's data and the token file (default ~/.jlive/controller).")
  Path dataDir = Paths.get(System.getProperty("user.home"), ".jlive", "controller");

  @Option(
      names = "--zk",
      paramLabel = "HOST:PORT,...",
      description = "Use this ZooKeeper ensemble instead of the embedded server.")
  String zk;

  @Option(
      names = "--zk-auth",
      paramLabel = "FILE",
      description =
          "The controllers' credentials for the --zk ensemble: a file of mode 0600 holding digest=USER:PASSWORD."
              + " jlive's nodes are then readable and writable with these credentials only.")
  Path zkAuth;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "The first admin's token: read from FILE (made when missing; default DATA-DIR/token); on first start, with no user yet, the controller makes user admin with it.")
  Path tokenFile;

  @Option(
      names = "--signing-key",
      paramLabel = "FILE",
      description =
          "Sign changes with the Ed25519 key in FILE (made when missing; default DATA-DIR/signing-key). Controllers sharing --zk share this file; agents get its public key from `jlive controller key`.")
  Path signingKey;

  @Option(
      names = "--heartbeat",
      paramLabel = "DURATION",
      description =
          "How often agents check in (default 5s); three missed heartbeats drop a process.")
  String heartbeat = "5s";

  @Option(
      names = "--tls-keystore",
      paramLabel = "FILE",
      description = "Serve HTTPS with the key and certificate in this PKCS12 keystore.")
  Path tlsKeystore;

  @Option(
      names = "--tls-password-file",
      paramLabel = "FILE",
      description = "The keystore's password.")
  Path tlsPasswordFile;

  @Option(
      names = "--allow-plain-http",
      description =
          "Serve plain HTTP on a non-loopback address (only behind a TLS-terminating proxy).")
  boolean allowPlainHttp;

  @Option(
      names = "--ui-port",
      paramLabel = "PORT",
      description =
          "Also serve the web dashboard on this port (0 for a free one), on --host and with TLS when the API has it;"
              + " sign in with a user token.")
  Integer uiPort;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    char[] password = null;
    if (tlsKeystore != null) {
      if (tlsPasswordFile == null) {
        throw new CliException(
            ExitCode.USAGE, "USAGE", "--tls-keystore needs --tls-password-file", "");
      }
      password = Files.readString(tlsPasswordFile).trim().toCharArray();
    }
    // ZooKeeper and Curator log through SLF4J (slf4j-simple here): their warnings and errors only.
    // Set here rather than in a simplelogger.properties, which would ride along in the CLI jar
    // and silence any other program that put that jar on its class path.
    System.setProperty(
        "org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    ControllerConfig config =
        new ControllerConfig(
            host,
            port,
            dataDir,
            zk,
            tokenFile,
            Durations.parse("--heartbeat", heartbeat),
            tlsKeystore,
            password,
            allowPlainHttp,
            signingKey,
            zkAuth);
    Controller controller;
    try {
      controller = Controller.start(config);
    } catch (JLiveException e) {
      throw new CliException(ExitCode.ERROR, e.code().name(), e.getMessage(), e.hint());
    } catch (BindException e) {
      throw new CliException(
          ExitCode.ERROR,
          "PORT_IN_USE",
          "cannot listen on " + host + ":" + port + ": " + e.getMessage(),
          "another controller may run there; pick another --port");
    }
    String dashboard = null;
    if (uiPort != null) {
      try {
        dashboard = controller.startDashboard(uiPort).url();
      } catch (BindException e) {
        controller.close();
        throw new CliException(
            ExitCode.ERROR,
            "PORT_IN_USE",
            "cannot serve the dashboard on " + host + ":" + uiPort + ": " + e.getMessage(),
            "pick another --ui-port");
      }
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  controller.close();
                  stopped.countDown();
                },
                "jlive-controller-stop"));
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "jlive controller "
            + Version.current()
            + " listening on "
            + controller.url()
            + " (ZooKeeper "
            + controller.zooKeeper()
            + ", token in "
            + controller.tokenFile().toAbsolutePath()
            + ", signing key in "
            + controller.signer().file().toAbsolutePath()
            + ")");
    if (dashboard != null) {
      out.println("dashboard on " + dashboard + " (sign in with a user token)");
    }
    out.flush();
    stopped.await();
    return 0;
  }
}

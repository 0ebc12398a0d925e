package dev.jlive.controller;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a controller runs.
 *
 * @param host address to listen on; loopback unless widened, and wider only with TLS or
 *     plainHttpAllowed
 * @param port port to listen on, 0 for a free one
 * @param dataDir the embedded ZooKeeper's data and the token file; survives restarts
 * @param zookeeper an external ensemble ({@code host:port,...}), or null for the embedded one
 * @param tokenFile where the token is read from (created when missing), or null for {@code
 *     dataDir/token}
 * @param heartbeat how often agents sync; three missed heartbeats drop a process from the live list
 * @param tlsKeystore PKCS12 keystore for HTTPS, or null for plain HTTP
 * @param tlsPassword the keystore's password
 * @param plainHttpAllowed serve plain HTTP on a non-loopback address (only behind a TLS-terminating
 *     proxy)
 * @param zooKeeperAuth the controllers' credentials for an external ensemble ({@code
 *     digest=USER:PASSWORD}, a file of mode 0600), or null for none; the embedded server makes its
 *     own
 */
public record ControllerConfig(
    String host,
    int port,
    Path dataDir,
    String zookeeper,
    Path tokenFile,
    Duration heartbeat,
    Path tlsKeystore,
    char[] tlsPassword,
    boolean plainHttpAllowed,
    Path signingKey,
    Path zooKeeperAuth) {

  public static ControllerConfig defaults(Path dataDir) {
    return new ControllerConfig(
        "127.0.0.1", 0, dataDir, null, null, Duration.ofSeconds(5), null, null, false, null, null);
  }

  public ControllerConfig withPort(int newPort) {
    return new ControllerConfig(
        host,
        newPort,
        dataDir,
        zookeeper,
        tokenFile,
        heartbeat,
        tlsKeystore,
        tlsPassword,
        plainHttpAllowed,
        signingKey,
        zooKeeperAuth);
  }

  public ControllerConfig withZooKeeper(String connectString) {
    return new ControllerConfig(
        host,
        port,
        dataDir,
        connectString,
        tokenFile,
        heartbeat,
        tlsKeystore,
        tlsPassword,
        plainHttpAllowed,
        signingKey,
        zooKeeperAuth);
  }

  public ControllerConfig withHeartbeat(Duration every) {
    return new ControllerConfig(
        host,
        port,
        dataDir,
        zookeeper,
        tokenFile,
        every,
        tlsKeystore,
        tlsPassword,
        plainHttpAllowed,
        signingKey,
        zooKeeperAuth);
  }

  public ControllerConfig withSigningKey(Path keyFile) {
    return new ControllerConfig(
        host,
        port,
        dataDir,
        zookeeper,
        tokenFile,
        heartbeat,
        tlsKeystore,
        tlsPassword,
        plainHttpAllowed,
        keyFile,
        zooKeeperAuth);
  }

  public ControllerConfig withZooKeeperAuth(Path credentials) {
    return new ControllerConfig(
        host,
        port,
        dataDir,
        zookeeper,
        tokenFile,
        heartbeat,
        tlsKeystore,
        tlsPassword,
        plainHttpAllowed,
        signingKey,
        credentials);
  }

  /** The key file in use: the one given, else {@code dataDir/signing-key}. */
  public Path signingKeyFile() {
    return signingKey != null ? signingKey : dataDir.resolve("signing-key");
  }
}

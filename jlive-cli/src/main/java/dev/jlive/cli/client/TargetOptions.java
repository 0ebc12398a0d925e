package dev.jlive.cli.client;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How to reach an agent that is not a local pid: its host, port and a file holding its token (for
 * example through an SSH tunnel to a remote JVM's loopback endpoint).
 */
public final class TargetOptions {
  @Option(
      names = "--host",
      paramLabel = "HOST",
      description =
          "Reach a remote agent at HOST (with --port and --token-file) instead of a local PID.")
  String host;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Port of the remote agent's endpoint.")
  Integer port;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "File holding the remote agent's token.")
  Path tokenFile;

  public boolean isRemote() {
    return host != null || port != null || tokenFile != null;
  }

  /** The options as given, to pass on to each command of {@code jlive shell}. */
  public List<String> asArguments() {
    List<String> args = new ArrayList<>();
    if (host != null) {
      args.add("--host");
      args.add(host);
    }
    if (port != null) {
      args.add("--port");
      args.add(port.toString());
    }
    if (tokenFile != null) {
      args.add("--token-file");
      args.add(tokenFile.toString());
    }
    return args;
  }
}

package dev.jlive.cli.client;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.PlainHttp;
import dev.jlive.protocol.TrustedCertificates;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * Which controller to talk to and its token: {@code --controller URL} or {@code JLIVE_CONTROLLER};
 * {@code --controller-token-file FILE}, {@code JLIVE_CONTROLLER_TOKEN} or {@code
 * JLIVE_CONTROLLER_TOKEN_FILE}.
 */
public final class ControllerOptions {
  @Option(
      names = "--controller",
      paramLabel = "URL",
      description =
          "The jlive controller, e.g. https://ctl.internal:7080 (default: $JLIVE_CONTROLLER).")
  String url;

  @Option(
      names = "--controller-token-file",
      paramLabel = "FILE",
      description =
          "File holding your controller token, from `jlive controller users add` (default: $JLIVE_CONTROLLER_TOKEN, else the file $JLIVE_CONTROLLER_TOKEN_FILE).")
  Path tokenFile;

  @Option(
      names = "--allow-plain-http",
      description =
          "Accept an http:// controller on another machine (the token and changes then cross the network in clear;"
              + " only behind a TLS-terminating proxy or on a trusted private link).")
  boolean allowPlainHttp;

  @Option(
      names = "--controller-trust-store",
      paramLabel = "FILE",
      description =
          "Trust the controller's TLS certificate in FILE (PEM or DER: its own if self-signed, or its CA's).")
  Path trustStore;

  /** True if the user named a controller or its token on the command line. */
  public boolean isGiven() {
    return url != null || tokenFile != null;
  }

  /** The controller to talk to, from the options and else the environment. */
  public ControllerEndpoint resolve() {
    return resolve(System::getenv);
  }

  public ControllerEndpoint resolve(Function<String, String> env) {
    String address = url != null ? url : blankToNull(env.apply(FleetApi.ENV_CONTROLLER));
    if (address == null) {
      throw new CliException(
          ExitCode.USAGE,
          "NO_CONTROLLER",
          "name the controller: --controller URL, or set " + FleetApi.ENV_CONTROLLER,
          "e.g. --controller https://ctl.internal:7080 (the address `jlive controller start` listens on)");
    }
    URI base = parseUrl(address);
    try {
      PlainHttp.check(base, allowPlainHttp, "--allow-plain-http");
    } catch (JLiveException e) {
      throw new CliException(ExitCode.USAGE, "PLAIN_HTTP", e.getMessage(), e.hint());
    }
    String token;
    if (tokenFile != null) {
      token = readToken(tokenFile, "--controller-token-file");
    } else if (blankToNull(env.apply(FleetApi.ENV_CONTROLLER_TOKEN)) != null) {
      token = env.apply(FleetApi.ENV_CONTROLLER_TOKEN).trim();
    } else if (blankToNull(env.apply(FleetApi.ENV_CONTROLLER_TOKEN_FILE)) != null) {
      token =
          readToken(
              Paths.get(env.apply(FleetApi.ENV_CONTROLLER_TOKEN_FILE).trim()),
              FleetApi.ENV_CONTROLLER_TOKEN_FILE);
    } else {
      throw new CliException(
          ExitCode.USAGE,
          "NO_CONTROLLER_TOKEN",
          "no token for the controller at "
              + base
              + ": give --controller-token-file FILE, or set "
              + FleetApi.ENV_CONTROLLER_TOKEN
              + " or "
              + FleetApi.ENV_CONTROLLER_TOKEN_FILE,
          "the controller writes its token to <data dir>/token when it starts; copy that file or point at it");
    }
    if (trustStore == null) {
      return new ControllerEndpoint(base, token);
    }
    try {
      return new ControllerEndpoint(
          base, token, TrustedCertificates.context(trustStore, "--controller-trust-store"));
    } catch (JLiveException e) {
      throw new CliException(ExitCode.USAGE, "USAGE", e.getMessage(), e.hint());
    }
  }

  static URI parseUrl(String text) {
    String value = text.trim();
    if (!value.contains("://")) {
      // Plain HTTP is for this machine only (see PlainHttp): a bare address of another one is
      // https.
      String host =
          value.startsWith("[") && value.contains("]")
              ? value.substring(0, value.indexOf(']') + 1)
              : value.replaceFirst("[:/].*$", "");
      value = (PlainHttp.isLoopback(host) ? "http://" : "https://") + value;
    }
    while (value.endsWith("/")) {
      value = value.substring(0, value.length() - 1);
    }
    try {
      URI uri = URI.create(value);
      if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()))
          || uri.getHost() == null
          || uri.getQuery() != null
          || uri.getFragment() != null) {
        throw new IllegalArgumentException("not an http(s) address");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "'" + text + "' is not a controller address",
          "write https://HOST:PORT, e.g. https://ctl.internal:7080");
    }
  }

  private static String readToken(Path file, String from) {
    try {
      String token = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (token.isEmpty()) {
        throw new CliException(
            ExitCode.USAGE,
            "USAGE",
            "controller token file " + file + " (" + from + ") is empty",
            "it must hold the token the controller wrote to <data dir>/token");
      }
      return token;
    } catch (IOException e) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "cannot read controller token file " + file + " (" + from + "): " + e,
          "check the path and that your user may read it; the controller writes it to <data dir>/token");
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /** The options as given, to pass on to each command of {@code jlive shell --service}. */
  public List<String> asArguments() {
    List<String> args = new ArrayList<>();
    if (url != null) {
      args.add("--controller");
      args.add(url);
    }
    if (tokenFile != null) {
      args.add("--controller-token-file");
      args.add(tokenFile.toString());
    }
    return args;
  }
}

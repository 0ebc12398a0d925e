package dev.jlive.agent;

import dev.jlive.agent.fleet.FleetSettings;
import dev.jlive.agent.probe.ProbeLimits;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.RuntimeDirectory;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Options given as {@code -javaagent:jlive-agent.jar=key=value,key=value} or to an attach.
 *
 * @param host address the endpoint binds to; loopback unless explicitly widened
 * @param port endpoint port, 0 for a free one
 * @param runtimeDir where the discovery file goes
 * @param tokenFile file holding a fixed token, or null for a random one
 * @param quiet true to skip the start-up line on stderr
 * @param fleet the controller link, or null to run alone (see {@link FleetSettings} for its options
 *     and environment variables)
 * @param childOptions what a child JVM's agent gets when linked: the fleet options, runtimeDir when
 *     it was given, and quiet; null without a controller
 * @param probeLimits how many probes the JVM and one method may hold (options maxProbes,
 *     maxProbesPerMethod)
 * @param warmCompiler true (the default) to warm the in-target compiler up in the background, so
 *     the first patch from source is fast (option warmCompiler=false to skip it)
 */
record AgentOptions(
    String host,
    int port,
    Path runtimeDir,
    Path tokenFile,
    boolean quiet,
    FleetSettings fleet,
    String childOptions,
    ProbeLimits probeLimits,
    boolean warmCompiler) {
  private static final Set<String> KEYS;

  static {
    Set<String> keys =
        new TreeSet<>(
            Set.of(
                "host",
                "port",
                "runtimeDir",
                "tokenFile",
                "quiet",
                "maxProbes",
                "maxProbesPerMethod",
                "warmCompiler"));
    keys.addAll(FleetSettings.KEYS);
    KEYS = Set.copyOf(keys);
  }

  AgentOptions(String host, int port, Path runtimeDir, Path tokenFile, boolean quiet) {
    this(host, port, runtimeDir, tokenFile, quiet, null, null, ProbeLimits.DEFAULT, true);
  }

  static AgentOptions parse(String text) {
    return parse(text, System.getenv());
  }

  /** Parses the options; {@code env} stands in for the controller options that are absent. */
  static AgentOptions parse(String text, Map<String, String> env) {
    Map<String, String> values = new HashMap<>();
    if (text != null && !text.isBlank()) {
      for (String part : text.split(",")) {
        if (part.isBlank()) {
          continue;
        }
        int eq = part.indexOf('=');
        String key = (eq < 0 ? part : part.substring(0, eq)).trim();
        String value = eq < 0 ? "true" : part.substring(eq + 1).trim();
        if (!KEYS.contains(key)) {
          throw new JLiveException(
              ErrorCode.BAD_REQUEST,
              "unknown agent option '" + key + "'",
              "use key=value pairs separated by commas; known keys: "
                  + String.join(", ", new TreeSet<>(KEYS)));
        }
        values.put(key, value);
      }
    }
    String host = values.getOrDefault("host", "127.0.0.1");
    int port = parsePort(values.getOrDefault("port", "0"));
    Path runtimeDir =
        values.containsKey("runtimeDir")
            ? Paths.get(values.get("runtimeDir"))
            : RuntimeDirectory.resolve();
    Path tokenFile = values.containsKey("tokenFile") ? Paths.get(values.get("tokenFile")) : null;
    boolean quiet = parseBoolean("quiet", values.getOrDefault("quiet", "false"));
    FleetSettings fleet = FleetSettings.from(values, env);
    String childOptions = null;
    if (fleet != null) {
      // Always quiet: a child's stderr belongs to the application that started it, which may read
      // it.
      childOptions =
          fleet.childOptions()
              + (values.containsKey("runtimeDir")
                  ? ",runtimeDir=" + runtimeDir.toAbsolutePath()
                  : "")
              + ",quiet";
    }
    ProbeLimits probeLimits =
        ProbeLimits.parse(values.get("maxProbes"), values.get("maxProbesPerMethod"));
    boolean warmCompiler =
        parseBoolean("warmCompiler", values.getOrDefault("warmCompiler", "true"));
    return new AgentOptions(
        host, port, runtimeDir, tokenFile, quiet, fleet, childOptions, probeLimits, warmCompiler);
  }

  private static boolean parseBoolean(String key, String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default ->
          throw new JLiveException(
              ErrorCode.BAD_REQUEST,
              "agent option " + key + "=" + text + " is not true or false",
              "write " + key + " alone (or " + key + "=true) to turn it on");
    };
  }

  private static int parsePort(String text) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw new JLiveException(
        ErrorCode.BAD_REQUEST,
        "agent option port=" + text + " is not a port number",
        "give a number from 1 to 65535, or 0 (the default) for a free port");
  }
}

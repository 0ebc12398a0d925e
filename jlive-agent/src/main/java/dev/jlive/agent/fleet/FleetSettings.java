package dev.jlive.agent.fleet;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.PlainHttp;
import dev.jlive.protocol.TrustedCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocketFactory;

/**
 * How the agent reaches its controller: {@code controller=URL,service=NAME,labels=k=v;k2=v2,
 * controllerTokenFile=PATH} among the agent options or, for each option that is absent, the
 * environment variable that stands for it ({@link FleetApi#ENV_CONTROLLER} and the others; the
 * token may also be given as such, in {@link FleetApi#ENV_CONTROLLER_TOKEN}).
 *
 * @param controllers the controllers' base URLs, without a trailing slash, in the order the agent
 *     tries them ({@code controller=URL1|URL2}): it talks to one at a time and moves to the next
 *     when the current one does not answer
 * @param labels what the controller matches a change's {@code where} against
 * @param tokenFile the file holding the controller token, or null when the token came from the
 *     environment
 * @param token the token given in {@link FleetApi#ENV_CONTROLLER_TOKEN}, or null when it is read
 *     from {@code tokenFile}
 * @param controllerKey the file holding the controller's public key ({@code controllerKey=FILE} or
 *     {@link FleetApi#ENV_CONTROLLER_KEY_FILE}): with it, only changes the controller signed are
 *     applied; null to apply changes unverified
 * @param localChangesDenied {@code localChanges=deny}: the local endpoint refuses every change, so
 *     changes come only through the controller (and its policy)
 * @param plainHttpAllowed {@code allowPlainHttp=true}: plain {@code http://} to another machine is
 *     accepted (see {@link PlainHttp})
 * @param trustStore {@code controllerTrustStore=FILE}: certificates (PEM or DER) that the
 *     controller's TLS certificate may be, or be signed by, beside the JVM's default ones; or null
 */
public record FleetSettings(
    List<URI> controllers,
    String service,
    Map<String, String> labels,
    Path tokenFile,
    String token,
    Path controllerKey,
    boolean localChangesDenied,
    boolean plainHttpAllowed,
    Path trustStore) {
  /** The option keys this class reads; the agent's option parser accepts them. */
  public static final Set<String> KEYS =
      Set.of(
          "controller",
          "service",
          "labels",
          "controllerTokenFile",
          "controllerKey",
          "localChanges",
          "allowPlainHttp",
          "controllerTrustStore");

  /** What separates the URLs of several controllers in {@code controller=URL1|URL2}. */
  public static final String URL_SEPARATOR = "|";

  public FleetSettings {
    controllers = List.copyOf(controllers);
    if (controllers.isEmpty()) {
      throw new IllegalArgumentException("at least one controller URL");
    }
    labels =
        Collections.unmodifiableMap(
            new TreeMap<>(labels)); // sorted by name, as labels are everywhere on the wire
  }

  /** Settings for one controller. */
  public FleetSettings(
      URI controller,
      String service,
      Map<String, String> labels,
      Path tokenFile,
      String token,
      Path controllerKey,
      boolean localChangesDenied,
      boolean plainHttpAllowed,
      Path trustStore) {
    this(
        List.of(controller),
        service,
        labels,
        tokenFile,
        token,
        controllerKey,
        localChangesDenied,
        plainHttpAllowed,
        trustStore);
  }

  /** Settings without a controller key, allowing local changes, plain HTTP to loopback only. */
  public FleetSettings(
      URI controller, String service, Map<String, String> labels, Path tokenFile, String token) {
    this(controller, service, labels, tokenFile, token, null, false, false, null);
  }

  /** The first controller: the one the agent tries first. */
  public URI controller() {
    return controllers.get(0);
  }

  /** The controllers as the option writes them: {@code URL1|URL2}. */
  public String controllersText() {
    return String.join(URL_SEPARATOR, controllers.stream().map(URI::toString).toList());
  }

  /**
   * The settings in the options or, where an option is absent, in the environment; null when no
   * controller is named (the agent then works alone).
   *
   * @throws JLiveException naming the option and what to write instead
   */
  public static FleetSettings from(Map<String, String> options, Map<String, String> env) {
    String controllerText = value(options, "controller", env, FleetApi.ENV_CONTROLLER);
    if (controllerText == null) {
      if (options.containsKey("localChanges")) {
        throw bad(
            "agent option localChanges needs a controller: it makes the agent take changes only"
                + " from its controller",
            "add controller=https://HOST:PORT and service=NAME (or set "
                + FleetApi.ENV_CONTROLLER
                + "), or drop localChanges to change this JVM through its local endpoint");
      }
      for (String key : KEYS) {
        if (options.containsKey(key)) {
          throw bad(
              "agent option " + key + " needs a controller",
              "add controller=https://HOST:PORT (or set "
                  + FleetApi.ENV_CONTROLLER
                  + "), or drop "
                  + key
                  + " to run the agent alone");
        }
      }
      // Service and labels from the environment alone do nothing without a controller.
      return null;
    }
    List<URI> controllers = controllerUris(controllerText);
    boolean plainHttpAllowed = flag(options, "allowPlainHttp");
    for (URI controller : controllers) {
      PlainHttp.check(controller, plainHttpAllowed, "allowPlainHttp=true to the agent options");
    }
    String trustStoreText = blankToNull(options.get("controllerTrustStore"));
    Path trustStore = trustStoreText == null ? null : Paths.get(trustStoreText);
    String service = value(options, "service", env, FleetApi.ENV_SERVICE);
    if (service == null) {
      throw bad(
          "a controller needs the service this process belongs to",
          "add service=NAME to the agent options, or set " + FleetApi.ENV_SERVICE);
    }
    if (!FleetApi.isValidName(service)) {
      throw bad(
          "service name '" + service + "' is not valid",
          "use letters, digits, '.', '_' and '-', starting with a letter "
              + "or digit, at most 63 characters");
    }
    Map<String, String> labels = labels(value(options, "labels", env, FleetApi.ENV_LABELS));
    Path tokenFile = null;
    String token = null;
    String tokenFileText = options.get("controllerTokenFile");
    if (tokenFileText == null || tokenFileText.isBlank()) {
      token = blankToNull(env.get(FleetApi.ENV_CONTROLLER_TOKEN));
      if (token == null) {
        tokenFileText = blankToNull(env.get(FleetApi.ENV_CONTROLLER_TOKEN_FILE));
      }
    }
    if (token == null) {
      if (tokenFileText == null) {
        throw bad(
            "a controller needs its token",
            "add controllerTokenFile=PATH to the agent options, or set "
                + FleetApi.ENV_CONTROLLER_TOKEN
                + " (the token) or "
                + FleetApi.ENV_CONTROLLER_TOKEN_FILE
                + " (a file holding it)");
      }
      tokenFile = Paths.get(tokenFileText.trim());
    }
    String keyText = value(options, "controllerKey", env, FleetApi.ENV_CONTROLLER_KEY_FILE);
    Path controllerKey = keyText == null ? null : Paths.get(keyText);
    return new FleetSettings(
        controllers,
        service,
        labels,
        tokenFile,
        token,
        controllerKey,
        localChangesDenied(options.get("localChanges")),
        plainHttpAllowed,
        trustStore);
  }

  private static boolean localChangesDenied(String text) {
    if (text == null) {
      return false;
    }
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "deny" -> true;
      case "allow" -> false;
      default ->
          throw bad(
              "agent option localChanges=" + text + " is not allow or deny",
              "write localChanges=deny to take changes only from the controller");
    };
  }

  /**
   * A socket factory that trusts {@link #trustStore()}'s certificates, or null to use the JVM's
   * default trust; read once, when the link is made, so that a bad file fails the agent's start.
   */
  public SSLSocketFactory socketFactory() {
    if (trustStore == null) {
      return null;
    }
    return TrustedCertificates.context(trustStore, "controllerTrustStore").getSocketFactory();
  }

  private static boolean flag(Map<String, String> options, String key) {
    String text = options.getOrDefault(key, "false").trim().toLowerCase(Locale.ROOT);
    return switch (text) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default ->
          throw bad(
              "agent option " + key + "=" + text + " is not true or false",
              "write " + key + "=true");
    };
  }

  /** The token: the one from the environment, or the first line of the token file. */
  public String readToken() {
    if (token != null) {
      return token.trim();
    }
    try {
      String text = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
      int newline = text.indexOf('\n');
      String first = (newline < 0 ? text : text.substring(0, newline)).trim();
      if (first.isEmpty()) {
        throw bad(
            "controller token file " + tokenFile + " is empty",
            "write the controller's token into it");
      }
      return first;
    } catch (IOException e) {
      throw bad(
          "cannot read controller token file " + tokenFile + ": " + e,
          "check the path given in controllerTokenFile (or "
              + FleetApi.ENV_CONTROLLER_TOKEN_FILE
              + ") and that this JVM's user may read it");
    }
  }

  /** The labels as the options write them: {@code k=v;k2=v2}. */
  public String labelsText() {
    StringBuilder text = new StringBuilder();
    labels.forEach(
        (key, value) ->
            text.append(text.length() == 0 ? "" : ";").append(key).append('=').append(value));
    return text.toString();
  }

  /**
   * The options a child JVM's agent gets: the same controller, service, labels and token file. A
   * token given in the environment reaches the child through its inherited environment.
   */
  public String childOptions() {
    StringBuilder options =
        new StringBuilder("controller=")
            .append(controllersText())
            .append(",service=")
            .append(service);
    if (!labels.isEmpty()) {
      options.append(",labels=").append(labelsText());
    }
    if (tokenFile != null) {
      options.append(",controllerTokenFile=").append(tokenFile.toAbsolutePath());
    }
    // A child of the same service verifies what it runs, and refuses local changes, like its
    // parent.
    if (controllerKey != null) {
      options.append(",controllerKey=").append(controllerKey.toAbsolutePath());
    }
    if (localChangesDenied) {
      options.append(",localChanges=deny");
    }
    if (plainHttpAllowed) {
      options.append(",allowPlainHttp=true");
    }
    if (trustStore != null) {
      options.append(",controllerTrustStore=").append(trustStore.toAbsolutePath());
    }
    return options.toString();
  }

  static Map<String, String> labels(String text) {
    Map<String, String> labels = new TreeMap<>();
    if (text == null) {
      return labels;
    }
    for (String part : text.split(";")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      String key = eq < 0 ? part.trim() : part.substring(0, eq).trim();
      String value = eq < 0 ? "" : part.substring(eq + 1).trim();
      if (eq < 0 || value.isEmpty()) {
        throw bad(
            "label '" + part.trim() + "' has no value",
            "write labels as key=value pairs separated by ';', e.g. "
                + "labels=zone=eu-west-1;tier=web");
      }
      if (!FleetApi.isValidName(key)) {
        throw bad(
            "label key '" + key + "' is not valid",
            "use letters, digits, '.', '_' and '-', starting with a letter or "
                + "digit, at most 63 characters");
      }
      labels.put(key, value);
    }
    return labels;
  }

  /**
   * The URLs of {@code URL1|URL2|...}, each checked on its own, so that a bad one is named; the
   * same URL twice is refused (it would only make the agent wait twice for the same dead host).
   */
  private static List<URI> controllerUris(String text) {
    List<URI> uris = new ArrayList<>();
    for (String part : text.split(Pattern.quote(URL_SEPARATOR), -1)) {
      if (part.isBlank()) {
        throw bad(
            "controller '" + text + "' has an empty URL between its '|'",
            "write controller=https://HOST1:PORT|https://HOST2:PORT, one URL per controller");
      }
      URI uri = controllerUri(part);
      if (uris.contains(uri)) {
        throw bad(
            "controller '" + text + "' names " + uri + " twice",
            "name each controller once in controller=URL1|URL2");
      }
      uris.add(uri);
    }
    return uris;
  }

  private static URI controllerUri(String text) {
    String trimmed = text.trim();
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    try {
      URI uri = new URI(trimmed);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https"))
          && uri.getHost() != null
          && uri.getQuery() == null
          && uri.getFragment() == null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw bad(
        "controller '" + text + "' is not an http or https URL",
        "e.g. controller=https://jlive-controller:7070 (or " + FleetApi.ENV_CONTROLLER + "=...)");
  }

  private static String value(
      Map<String, String> options, String key, Map<String, String> env, String envName) {
    String option = blankToNull(options.get(key));
    return option != null ? option : blankToNull(env.get(envName));
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text.trim();
  }

  private static JLiveException bad(String message, String hint) {
    return new JLiveException(ErrorCode.BAD_REQUEST, message, hint);
  }
}

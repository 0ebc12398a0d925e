package dev.jlive.cli.client;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.change.ChangeAnswer;
import dev.jlive.protocol.change.ChangeStatus;
import dev.jlive.protocol.fleet.ProcessList;
import dev.jlive.protocol.fleet.ServiceList;
import dev.jlive.protocol.governance.ApprovalList;
import dev.jlive.protocol.governance.Policy;
import dev.jlive.protocol.governance.PolicyAnswer;
import dev.jlive.protocol.rollout.RolloutList;
import dev.jlive.protocol.rollout.RolloutStatus;
import dev.jlive.protocol.user.UserBody;
import dev.jlive.protocol.user.UserInfo;
import dev.jlive.protocol.user.UserList;
import dev.jlive.protocol.user.UserToken;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Talks JSON to the jlive controller (see {@link FleetApi}) and turns every failure into a {@link
 * CliException}: unreachable (6), token refused (7), an error answer (8, with the controller's own
 * code, message and hint). The typed calls read the answers with the wire records the controller
 * writes them with; fields of a newer controller are ignored.
 */
public final class ControllerClient {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final ControllerEndpoint endpoint;
  private final JsonHttp http;

  public ControllerClient(ControllerEndpoint endpoint) {
    this.endpoint = endpoint;
    this.http =
        new JsonHttp(
            REQUEST_TIMEOUT,
            endpoint.token(),
            new JsonHttp.Hints(
                endpoint.describe(),
                "check --controller (or $"
                    + FleetApi.ENV_CONTROLLER
                    + ") and that `jlive controller start` runs there",
                "the controller may be overloaded; `GET /v1/health` tells whether ZooKeeper is connected",
                "check that the controller is still running"),
            endpoint.tls());
  }

  public ControllerEndpoint endpoint() {
    return endpoint;
  }

  public Map<String, Object> get(String path, Map<String, String> query) {
    return send(http.get(endpoint.base() + path, query));
  }

  public Map<String, Object> post(String path, Map<String, Object> body) {
    return send(http.post(endpoint.base() + path, body));
  }

  public Map<String, Object> put(String path, Map<String, Object> body) {
    return send(http.put(endpoint.base() + path, body));
  }

  public Map<String, Object> delete(String path) {
    return send(http.delete(endpoint.base() + path, Map.of()));
  }

  public ServiceList services() {
    return read(FleetApi.SERVICES, get(FleetApi.SERVICES, Map.of()), ServiceList::fromWire);
  }

  public ProcessList processes(String service) {
    return read(
        FleetApi.processes(service),
        get(FleetApi.processes(service), Map.of()),
        ProcessList::fromWire);
  }

  /** Posts a change ({@code {"kind", "spec", "where"}}) to a service. */
  public ChangeAnswer addChange(String service, Map<String, Object> change) {
    return read(
        FleetApi.changes(service), post(FleetApi.changes(service), change), ChangeAnswer::fromWire);
  }

  public ChangeAnswer revertChange(String service, String id) {
    String path = FleetApi.change(service, segment(id));
    return read(path, delete(path), ChangeAnswer::fromWire);
  }

  public ChangeStatus changeStatus(String service, String id) {
    String path = FleetApi.change(service, segment(id));
    return read(path, get(path, Map.of()), ChangeStatus::fromWire);
  }

  /** The rollouts of one service, or (null) of every service the user may see. */
  public RolloutList rollouts(String service) {
    return read(
        FleetApi.ROLLOUTS,
        get(FleetApi.ROLLOUTS, service == null ? Map.of() : Map.of("service", service)),
        RolloutList::fromWire);
  }

  public RolloutStatus rollout(String service, String id) {
    String path = FleetApi.rollout(service, segment(id));
    return read(path, get(path, Map.of()), RolloutStatus::fromWire);
  }

  /** pause, resume, promote or abort. */
  public RolloutStatus rolloutAction(String service, String id, String action) {
    String path = FleetApi.rolloutAction(service, segment(id), action);
    return read(path, post(path, Map.of()), RolloutStatus::fromWire);
  }

  /** The policy in force for {@code service}, or with null the default. */
  public PolicyAnswer policy(String service) {
    String path = service == null ? FleetApi.POLICIES : FleetApi.policy(service);
    return read(path, get(path, Map.of()), PolicyAnswer::fromWire);
  }

  public PolicyAnswer setPolicy(String service, Policy policy) {
    String path = service == null ? FleetApi.POLICIES : FleetApi.policy(service);
    return read(path, put(path, policy.toJson()), PolicyAnswer::fromWire);
  }

  /** What waits for approval, in one service or (null) in all. */
  public ApprovalList approvals(String service) {
    return read(
        FleetApi.APPROVALS,
        get(FleetApi.APPROVALS, service == null ? Map.of() : Map.of("service", service)),
        ApprovalList::fromWire);
  }

  public ChangeAnswer approve(String service, String id, String comment) {
    String path = FleetApi.approve(service, segment(id));
    return read(path, post(path, commentBody(comment)), ChangeAnswer::fromWire);
  }

  public ChangeAnswer reject(String service, String id, String comment) {
    String path = FleetApi.reject(service, segment(id));
    return read(path, post(path, commentBody(comment)), ChangeAnswer::fromWire);
  }

  private static Map<String, Object> commentBody(String comment) {
    return comment == null ? Map.of() : Map.of("comment", comment);
  }

  public UserList users() {
    return read(FleetApi.USERS, get(FleetApi.USERS, Map.of()), UserList::fromWire);
  }

  public UserToken addUser(UserBody user) {
    return read(FleetApi.USERS, post(FleetApi.USERS, user.toJson()), UserToken::fromWire);
  }

  public UserInfo revokeUser(String name) {
    String path = FleetApi.user(segment(name));
    return read(path, delete(path), answer -> UserInfo.fromWire(answer.get("user")));
  }

  public UserToken rotateUser(String name) {
    String path = FleetApi.rotate(segment(name));
    return read(path, post(path, Map.of()), UserToken::fromWire);
  }

  private <T> T read(
      String path, Map<String, Object> answer, Function<Map<String, Object>, T> reader) {
    try {
      return reader.apply(answer);
    } catch (JLiveException e) {
      throw new CliException(
          ExitCode.AGENT_ERROR,
          "INTERNAL_ERROR",
          endpoint.describe()
              + " answered "
              + path
              + " with something this CLI cannot read: "
              + e.getMessage(),
          "is the controller of the same jlive version as this CLI?");
    }
  }

  /**
   * A path segment made safe for a URL (service names and label keys are already; change ids may
   * not be).
   */
  public static String segment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private Map<String, Object> send(HttpRequest request) {
    HttpResponse<String> response = http.send(request);
    if (response.statusCode() == 401) {
      throw new CliException(
          ExitCode.UNAUTHORIZED,
          "UNAUTHORIZED",
          endpoint.describe() + " refused the token: unknown or revoked",
          "use your own token from `jlive controller users add` (the first admin's is in the"
              + " controller's <data dir>/token): --controller-token-file, $"
              + FleetApi.ENV_CONTROLLER_TOKEN
              + " or $"
              + FleetApi.ENV_CONTROLLER_TOKEN_FILE);
    }
    Map<String, Object> body = JsonHttp.parse(response);
    if (response.statusCode() >= 400) {
      if (body != null && body.get("error") instanceof Map<?, ?> error) {
        String code =
            error.get("code") == null
                ? "HTTP_" + response.statusCode()
                : String.valueOf(error.get("code"));
        String hint =
            error.get("hint") == null || String.valueOf(error.get("hint")).isEmpty()
                ? defaultHint(code)
                : String.valueOf(error.get("hint"));
        throw new CliException(
            ExitCode.AGENT_ERROR, code, String.valueOf(error.get("message")), hint);
      }
      throw new CliException(
          ExitCode.AGENT_ERROR,
          "HTTP_" + response.statusCode(),
          endpoint.describe()
              + " answered HTTP "
              + response.statusCode()
              + (response.statusCode() == 404 ? " (no such path)" : ""),
          "is "
              + endpoint.base()
              + " really a jlive controller, of a version that knows this request?");
    }
    if (body == null) {
      throw notJson(response);
    }
    return body;
  }

  private static String defaultHint(String code) {
    switch (code) {
      case "UNKNOWN_SERVICE":
        return "`jlive services` lists the services the controller knows";
      case "FORBIDDEN":
        return "`jlive policy show SERVICE` names who may approve";
      case "UNKNOWN_CHANGE":
        return "`jlive changes --service NAME` lists the service's changes";
      case "NO_MATCHING_PROCESS":
        return "`jlive processes NAME` shows the live processes and their labels";
      case "STORE_UNAVAILABLE":
        return "the controller cannot reach ZooKeeper; changes can be made again once it can";
      default:
        return "";
    }
  }

  private CliException notJson(HttpResponse<String> response) {
    return new CliException(
        ExitCode.AGENT_ERROR,
        "INTERNAL_ERROR",
        endpoint.describe()
            + " answered HTTP "
            + response.statusCode()
            + " with something that is not JSON",
        "is " + endpoint.base() + " really a jlive controller?");
  }
}

package dev.jlive.protocol;

/**
 * The controller's HTTP API: what agents call (they dial out, so it works behind NAT) and what the
 * CLI and dashboard call. Every request carries {@code Authorization: Bearer <the user's token>};
 * every answer is JSON, errors as {@link JLiveException#toJson()}.
 *
 * <h2>Agent protocol</h2>
 *
 * <pre>
 * POST /v1/agents/register
 *   {"protocolVersion": 2, "service", "host", "pid", "javaVersion", "agentVersion", "labels": {k: v}, "instance": uuid}
 *   -> {"process": id, "heartbeatMillis": n, "protocolVersion": 2, "note"}   (note: when the two sides speak
 *                                                                             different protocols, what the older lacks)
 *
 * POST /v1/agents/sync            (a heartbeat, a status report and a long poll in one)
 *   {"protocolVersion": 2, "process": id, "desiredVersion": last seen or -1, "waitMillis": how long to hold the poll,
 *    "changes": {changeId: {"state": applied|waiting|failed|reverted, "message", "localId"}},
 *    "metrics": {changeId: the agent's /v1/metrics entry for that probe},
 *    "events": [{"change": changeId, ...the agent's event JSON}],    (only events new since the last sync,
 *                                                                      at most 500 and 1 MB; more follow)
 *    "eventsDropped": n}                                               (events too large for any sync; optional)
 *   -> {"desiredVersion": n, "unchanged": true}                        when the agent is up to date, or
 *   -> {"desiredVersion": n, "changes": [{"id", "kind": probe|patch, "spec": {...}, "author", "createdAt"}]}
 *   The controller answers at once when the desired state differs from desiredVersion, else holds the
 *   poll up to waitMillis. UNKNOWN_PROCESS means: register again (the controller lost the session).
 *   "spec" is exactly the body the agent's own POST /v1/probes or POST /v1/patches takes.
 *
 * POST /v1/agents/deregister      {"process": id} -> {"deregistered": true}
 * </pre>
 *
 * The records of {@code dev.jlive.protocol.fleet} read and write these bodies. Both sides ignore a
 * field they do not know (and log it once), so either can be upgraded first. Protocol versions: 1,
 * the first agents (no {@code protocolVersion} field); 2, register and sync carry {@code
 * protocolVersion}, the register answer the controller's and a note the agent logs, and change
 * reports are checked (a state an agent cannot know, such as {@code pending}, is refused); 3,
 * changes of kind {@code shadow} (spec: the body of the agent's {@code POST /v1/shadows}) and the
 * sync's {@code "shadows": {changeId: the agent's shadow report}}.
 *
 * <h2>User API</h2>
 *
 * <pre>
 * GET    /v1/health                                  -> {"version", "protocolVersion", "zookeeper": connected|suspended|lost, ...}
 * GET    /v1/services                                -> {"services": [{"name", "processes", "activeChanges"}]}
 * GET    /v1/services/{s}/processes                  -> {"processes": [{"id", "host", "pid", "protocolVersion", "labels", ...}]}
 * POST   /v1/services/{s}/changes                    {"kind", "spec", "where": {k: v}}
 *                                                    -> {"change": {...}, "created": false if already active}
 * GET    /v1/services/{s}/changes                    -> {"changes": [...]}  history, newest first
 * GET    /v1/services/{s}/changes/{id}               -> {"change", "results": [{"process", "host", "pid", "state", "message"}]}
 * DELETE /v1/services/{s}/changes/{id}               -> {"change"}  reverted on every process
 * GET    /v1/services/{s}/metrics?change=            -> {"merged": [...], "processes": [...]}
 * GET    /v1/services/{s}/events?change=&amp;after=      -> {"events": [...], "last"}
 * GET    /v1/audit?after=&amp;limit=&amp;service=&amp;since=     -> {"records": [...], "next"}  oldest first (admin)
 * GET    /v1/audit/verify                            -> {"ok", "checked", "lastSequence", "lastHash", "badSequence", "problem"}
 * GET    /v1/audit/head                              -> {"seq", "hash"}  the last record, to keep elsewhere
 * GET    /v1/users                                   -> {"users": [{"name", "roles", "createdAt", "rotatedAt"}]}   (admin)
 * POST   /v1/users                                   {"name", "roles": ["patcher@web", ...]} -> {"user", "token"}   (admin)
 * DELETE /v1/users/{name}                            -> {"user"}  its token is dead from the next request on   (admin)
 * POST   /v1/users/{name}/rotate                     -> {"user", "token"}  a new token; the old one is dead   (admin)
 * </pre>
 *
 * <h2>Sign-off</h2>
 *
 * <pre>
 * GET    /v1/policies                                -> {"policy", "source"}  the default for services without their own
 * PUT    /v1/policies                                {"patchApprovals", "probeApprovals", "captureApprovals", "approvers"}
 * GET    /v1/policies/{s}                            -> {"service", "policy", "source": service|default|built-in}
 * PUT    /v1/policies/{s}                            {...as above} -> {"service", "policy", "source": "service"}
 * GET    /v1/approvals?service=                      -> {"waiting": [{"change", "missing", "diff"}]}
 * POST   /v1/services/{s}/changes/{id}/approve       {"comment"} -> {"change"}  active once enough approved
 * POST   /v1/services/{s}/changes/{id}/reject        {"comment"} -> {"change"}  rejected; never sent
 * </pre>
 *
 * <h2>Staged rollouts</h2>
 *
 * <pre>
 * POST   /v1/services/{s}/changes                    {"kind", "spec", "where", "rollout": {"waves": ["1", "25%", "100%"],
 *                                                     "waveBy", "bakeMillis", "gates": [...], "minCalls"}}
 *                                                    the change goes out wave by wave (see RolloutPlan)
 * GET    /v1/rollouts?service=                       -> {"rollouts": [...]}  newest first
 * GET    /v1/services/{s}/rollouts/{id}              -> {"rollout", "waveStates": [{state: count}], "control"}
 * POST   /v1/services/{s}/rollouts/{id}/pause        -> the rollout status; also resume, promote, abort
 * </pre>
 *
 * <h2>Shadows</h2>
 *
 * <pre>
 * POST   /v1/services/{s}/changes                    {"kind": "shadow", "spec": the agent's POST /v1/shadows body, "where"}
 * GET    /v1/services/{s}/changes/{id}/shadow        -> the shadow report merged over the processes, and each one's
 * POST   /v1/services/{s}/changes/{id}/promote       -> {"change": the patch change made of it}  (the shadow is dropped)
 * DELETE /v1/services/{s}/changes/{id}               drops the shadow everywhere
 * </pre>
 *
 * A change with a plan reaches only the processes its reached waves hold; once its last wave passed
 * it is an ordinary active change, which processes that join later get too.
 *
 * <p>A change posted under a policy that asks for approvals is answered with state {@code
 * proposed}: stored, but sent to no process until enough people other than its author approved it.
 *
 * <p>Every request authenticates as a user (its token); the user's roles decide what it may do: 401
 * for a token the controller does not know, 403 naming the role that is missing. Agents use an
 * {@code agent@SERVICE} user, which can do nothing but the agent protocol for its own service.
 *
 * <p>Per-process states: {@code pending} (not yet reported), {@code waiting} (for a safe point),
 * {@code applied}, {@code failed} (with a message), {@code reverted}, {@code unreachable} (the
 * process stopped heartbeating).
 */
public final class FleetApi {
  private FleetApi() {}

  /** The agent protocol this version speaks. */
  public static final int PROTOCOL_VERSION = 4;

  /**
   * The first protocol whose agents read changes of kind {@code shadow} and report their shadow
   * reports; older agents would refuse the whole sync answer, so they are sent none.
   */
  public static final int FIRST_SHADOW_PROTOCOL_VERSION = 3;

  /**
   * The first protocol whose agents answer the {@link dev.jlive.protocol.fleet.ClassQuestion}s of a
   * sync answer (the dashboard's selector check); older agents are asked none, and the check then
   * says it checked the syntax only.
   */
  public static final int FIRST_CLASS_QUESTION_PROTOCOL_VERSION = 4;

  /** The protocol of agents whose bodies carry no {@code protocolVersion}. */
  public static final int FIRST_PROTOCOL_VERSION = 1;

  public static final String REGISTER = "/v1/agents/register";
  public static final String SYNC = "/v1/agents/sync";
  public static final String DEREGISTER = "/v1/agents/deregister";

  /** An agent's answer to a class question ({@link dev.jlive.protocol.fleet.ClassAnswer}). */
  public static final String CLASS_ANSWERS = "/v1/agents/classes";

  public static final String HEALTH = "/v1/health";
  public static final String SERVICES = "/v1/services";

  public static final String USERS = "/v1/users";

  public static String user(String name) {
    return USERS + "/" + name;
  }

  public static String rotate(String name) {
    return user(name) + "/rotate";
  }

  public static String processes(String service) {
    return SERVICES + "/" + service + "/processes";
  }

  public static String changes(String service) {
    return SERVICES + "/" + service + "/changes";
  }

  public static String change(String service, String id) {
    return changes(service) + "/" + id;
  }

  public static final String POLICIES = "/v1/policies";
  public static final String APPROVALS = "/v1/approvals";

  public static String policy(String service) {
    return POLICIES + "/" + service;
  }

  /** The merged report of a shadow change. */
  public static String shadow(String service, String id) {
    return change(service, id) + "/shadow";
  }

  /** Installs a shadow change's candidate as a patch change of the service. */
  public static String promoteShadow(String service, String id) {
    return change(service, id) + "/promote";
  }

  public static String approve(String service, String id) {
    return change(service, id) + "/approve";
  }

  public static String reject(String service, String id) {
    return change(service, id) + "/reject";
  }

  /** The probe form's check of a selector being typed, against the service's loaded classes. */
  public static String selector(String service) {
    return SERVICES + "/" + service + "/selector";
  }

  public static String metrics(String service) {
    return SERVICES + "/" + service + "/metrics";
  }

  public static String events(String service) {
    return SERVICES + "/" + service + "/events";
  }

  public static final String ROLLOUTS = "/v1/rollouts";

  public static String rollout(String service, String id) {
    return SERVICES + "/" + service + "/rollouts/" + id;
  }

  /** pause, resume, promote or abort. */
  public static String rolloutAction(String service, String id, String action) {
    return rollout(service, id) + "/" + action;
  }

  public static final String AUDIT = "/v1/audit";
  public static final String AUDIT_VERIFY = "/v1/audit/verify";
  public static final String AUDIT_HEAD = "/v1/audit/head";

  /** Agent options and the environment variables that stand for them, for containers. */
  public static final String ENV_CONTROLLER = "JLIVE_CONTROLLER";

  public static final String ENV_SERVICE = "JLIVE_SERVICE";
  public static final String ENV_LABELS = "JLIVE_LABELS";
  public static final String ENV_CONTROLLER_TOKEN = "JLIVE_CONTROLLER_TOKEN";
  public static final String ENV_CONTROLLER_TOKEN_FILE = "JLIVE_CONTROLLER_TOKEN_FILE";

  /** A file holding the controller's public key: agents then apply only changes it signed. */
  public static final String ENV_CONTROLLER_KEY_FILE = "JLIVE_CONTROLLER_KEY_FILE";

  /** Service names and label keys: what fits in a URL path segment and a ZooKeeper node name. */
  public static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,62}";

  public static boolean isValidName(String name) {
    return name != null && name.matches(NAME_PATTERN);
  }
}

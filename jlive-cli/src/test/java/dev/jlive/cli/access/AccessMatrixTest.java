package dev.jlive.cli.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.cli.JLiveCommand;
import dev.jlive.controller.Controller;
import dev.jlive.controller.ControllerConfig;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.fleet.ClassAnswer;
import dev.jlive.protocol.fleet.RegisterBody;
import dev.jlive.protocol.fleet.SyncBody;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may do what, on one real controller (embedded ZooKeeper): every kind of credential against
 * every operation of the API, allowed or refused with 401/403 and a reason naming the missing role;
 * then the engineers' operations again through the real CLI (run in this JVM). What is expected is
 * worked out here from the role ladder, not asked of the controller's own code.
 */
class AccessMatrixTest {
  private static final String WEB = "web";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final AtomicLong PIDS = new AtomicLong(1000);
  private static final AtomicLong NAMES = new AtomicLong();

  @TempDir static Path dir;
  static Controller controller;
  static final Map<Who, String> TOKENS = new EnumMap<>(Who.class);
  static String webProcess;

  /** A kind of credential: an engineer's role for every service or one, an agent's, or none. */
  enum Who {
    VIEWER(1, "viewer"),
    PROBER(2, "prober"),
    PATCHER(3, "patcher"),
    APPROVER(4, "approver"),
    ADMIN(5, null),
    VIEWER_OF_ANOTHER_SERVICE(0, "viewer@shop"),
    AGENT(0, "agent@web"),
    AGENT_OF_ANOTHER_SERVICE(0, "agent@shop"),
    REVOKED(0, "admin"),
    UNKNOWN(0, null),
    NO_TOKEN(0, null);

    /** Rank on the engineers' ladder; 0 for none. */
    final int rank;

    final String role;

    Who(int rank, String role) {
      this.rank = rank;
      this.role = role;
    }

    boolean authenticates() {
      return this != REVOKED && this != UNKNOWN && this != NO_TOKEN;
    }
  }

  /** An operation and the rank it needs (0: an agent's operation of web). */
  enum Op {
    LIST_SERVICES(1, "viewer"),
    LIST_PROCESSES(1, "viewer@web"),
    LIST_CHANGES(1, "viewer@web"),
    READ_CHANGE(1, "viewer@web"),
    READ_METRICS(1, "viewer@web"),
    READ_EVENTS(1, "viewer@web"),
    ADD_PROBE(2, "prober@web"),
    REMOVE_PROBE(2, "prober@web"),
    CHECK_SELECTOR(2, "prober@web"),
    ADD_PATCH(3, "patcher@web"),
    REVERT_PATCH(3, "patcher@web"),
    ADD_SHADOW(3, "patcher@web"),
    READ_SHADOW(1, "viewer@web"),
    PROMOTE_SHADOW(3, "patcher@web"),
    REGISTER(0, "agent@web"),
    SYNC(0, "agent@web"),
    ANSWER_CLASSES(0, "agent@web"),
    DEREGISTER(0, "agent@web"),
    USERS_ADD(5, "admin"),
    USERS_LIST(5, "admin"),
    USERS_REVOKE(5, "admin"),
    USERS_ROTATE(5, "admin"),
    READ_POLICY(1, "viewer@web"),
    LIST_APPROVALS(1, "viewer@web"),
    APPROVE(4, "approver@web"),
    REJECT(4, "approver@web"),
    SET_POLICY(5, "admin@web"),
    READ_AUDIT(5, "admin"),
    LIST_ROLLOUTS(1, "viewer@web"),
    READ_ROLLOUT(1, "viewer@web"),
    PAUSE_PROBE_ROLLOUT(2, "prober@web"),
    ABORT_PATCH_ROLLOUT(3, "patcher@web"),
    PROMOTE_ROLLOUT(4, "approver@web");

    final int rank;
    final String grant;

    Op(int rank, String grant) {
      this.rank = rank;
      this.grant = grant;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    // A long heartbeat: the processes registered here never sync on their own and must stay live.
    controller =
        Controller.start(ControllerConfig.defaults(dir).withHeartbeat(Duration.ofMinutes(5)));
    TOKENS.put(Who.ADMIN, controller.token());
    for (Who who : Who.values()) {
      if (who.role != null) {
        TOKENS.put(who, addUser(who.name().toLowerCase(Locale.ROOT).replace('_', '-'), who.role));
      }
    }
    assertThat(send(Who.ADMIN, "DELETE", FleetApi.user("revoked"), null).status()).isEqualTo(200);
    TOKENS.put(Who.UNKNOWN, "0".repeat(64));
    webProcess = register(Who.AGENT, WEB);
  }

  @AfterAll
  static void stop() {
    controller.close();
  }

  static Stream<Arguments> cells() {
    List<Arguments> cells = new ArrayList<>();
    for (Who who : Who.values()) {
      for (Op op : Op.values()) {
        cells.add(Arguments.of(who, op));
      }
    }
    return cells.stream();
  }

  /** The oracle: what each credential may do, from the role ladder. */
  static boolean allowed(Who who, Op op) {
    if (!who.authenticates()) {
      return false;
    }
    if (op.rank == 0) {
      return who == Who.AGENT;
    }
    if (who == Who.VIEWER_OF_ANOTHER_SERVICE) {
      return op == Op.LIST_SERVICES; // lists shop only: checked below
    }
    return who.rank >= op.rank;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cells")
  void everyCredentialAgainstEveryOperationOfTheApi(Who who, Op op) throws Exception {
    Answer answer = perform(who, op);
    if (!who.authenticates()) {
      assertThat(answer.status()).as(answer.toString()).isEqualTo(401);
      assertThat(error(answer, "code")).isEqualTo("UNAUTHORIZED");
      assertThat(error(answer, "message")).isIn("unknown or revoked token", "no token");
    } else if (allowed(who, op)) {
      assertThat(answer.status()).as(answer.toString()).isBetween(200, 201);
    } else {
      assertThat(answer.status()).as(answer.toString()).isEqualTo(403);
      assertThat(error(answer, "code")).isEqualTo("FORBIDDEN");
      assertThat(error(answer, "message")).contains(" needs " + op.grant);
      assertThat(error(answer, "hint")).contains("jlive controller users add").contains("admin");
    }
  }

  @Test
  void aViewerOfAnotherServiceListsOnlyThatService() throws Exception {
    register(Who.AGENT_OF_ANOTHER_SERVICE, "shop");
    Answer services = send(Who.VIEWER_OF_ANOTHER_SERVICE, "GET", FleetApi.SERVICES, null);
    assertThat(names(services.body().get("services"))).containsExactly("shop");
    assertThat(names(send(Who.VIEWER, "GET", FleetApi.SERVICES, null).body().get("services")))
        .contains("shop", WEB);
  }

  @Test
  void anAgentOfAnotherServiceCannotRegisterSyncNorEvictWebsProcess() throws Exception {
    assertThat(registerAnswer(Who.AGENT_OF_ANOTHER_SERVICE, WEB).status()).isEqualTo(403);
    assertThat(
            send(Who.AGENT_OF_ANOTHER_SERVICE, "POST", FleetApi.DEREGISTER, deregister(webProcess))
                .status())
        .isEqualTo(403);
    // Web's process is still there, and still syncs with web's own credential.
    assertThat(processIds()).contains(webProcess);
    assertThat(send(Who.AGENT, "POST", FleetApi.SYNC, sync(webProcess)).status()).isEqualTo(200);
  }

  @Test
  void anAgentsCredentialCannotAddAProbeOrAPatchNorRevertAChange() throws Exception {
    String active = addAsAdmin(probe());
    int before = changeCount();
    for (Map<String, Object> change : List.of(probe(), patch())) {
      Answer refused = send(Who.AGENT, "POST", FleetApi.changes(WEB), change);
      assertThat(refused.status()).isEqualTo(403);
      assertThat(error(refused, "message")).contains("is an agent credential (agent@web)");
    }
    assertThat(send(Who.AGENT, "DELETE", FleetApi.change(WEB, active), null).status())
        .isEqualTo(403);
    assertThat(changeCount()).isEqualTo(before);
    Answer stillActive = send(Who.ADMIN, "GET", FleetApi.change(WEB, active), null);
    assertThat(stillActive.body().toString()).contains("state=active");
  }

  @Test
  void theAuthorIsTheTokensUserNeverTheUserHeader() throws Exception {
    String id = addAsAdmin(probe());
    // send() adds "X-JLive-User: admin" to every request; the prober's change must not be admin's.
    Answer added = send(Who.PROBER, "POST", FleetApi.changes(WEB), probe());
    assertThat(((Map<?, ?>) added.body().get("change")).get("author")).isEqualTo("prober");
    Answer reverted = send(Who.PATCHER, "DELETE", FleetApi.change(WEB, id), null);
    assertThat(reverted.status()).isEqualTo(200);
    Answer history = send(Who.ADMIN, "GET", FleetApi.change(WEB, id), null);
    assertThat(history.body().toString()).contains("revertedBy=patcher");
  }

  // ---- the CLI ----

  /** The engineers' operations through the real CLI, for every credential. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Who.class)
  void theCliRefusesWhatTheRoleDoesNotAllowAndSaysWhy(Who who) throws Exception {
    Path source =
        Files.writeString(
            dir.resolve("Web.java"),
            "package com.acme; public class Web { int price() { return 2; } }");
    Map<Op, List<String>> commands = new EnumMap<>(Op.class);
    commands.put(Op.LIST_SERVICES, List.of("services"));
    commands.put(Op.LIST_PROCESSES, List.of("processes", WEB));
    commands.put(Op.LIST_CHANGES, List.of("changes", "--service", WEB));
    commands.put(Op.READ_METRICS, List.of("metrics", "--service", WEB));
    commands.put(
        Op.ADD_PROBE,
        List.of(
            "probe",
            "add",
            "--service",
            WEB,
            "com.acme.Cli#p" + next(),
            "--count",
            "--timeout",
            "1ms"));
    commands.put(
        Op.ADD_PATCH,
        List.of("patch", "--service", WEB, source.toString(), "--rollout-timeout", "1ms"));
    commands.put(
        Op.REMOVE_PROBE,
        List.of("revert", "--service", WEB, addAsAdmin(probe()), "--timeout", "1ms"));
    commands.put(
        Op.REVERT_PATCH, List.of("revert", "--service", WEB, activePatch(), "--timeout", "1ms"));
    commands.put(Op.USERS_LIST, List.of("controller", "users", "list"));
    commands.put(
        Op.USERS_ADD,
        List.of("controller", "users", "add", "cli-" + next(), "--role", "viewer@" + WEB));
    commands.put(Op.USERS_ROTATE, List.of("controller", "users", "rotate", throwaway()));
    commands.put(Op.USERS_REVOKE, List.of("controller", "users", "revoke", throwaway()));

    for (Map.Entry<Op, List<String>> command : commands.entrySet()) {
      Op op = command.getKey();
      Run run = cli(who, command.getValue());
      String cell = who + " " + op + ": " + run;
      if (!who.authenticates()) {
        assertThat(run.exit()).as(cell).isEqualTo(who == Who.NO_TOKEN ? 2 : 7);
      } else if (allowed(who, op)) {
        // 9: sent, but the (never syncing) process did not report within 1 ms.
        assertThat(run.exit()).as(cell).isIn(0, 9);
      } else {
        assertThat(run.exit()).as(cell).isEqualTo(8);
        assertThat(run.err()).as(cell).contains("needs " + op.grant);
      }
    }
  }

  @Test
  void theCliAddsAUserAndPrintsItsTokenOnce() throws Exception {
    Run added =
        cli(Who.ADMIN, List.of("controller", "users", "add", "carol", "--role", "patcher@web"));
    assertThat(added.exit()).as(added.toString()).isZero();
    String token = added.out().lines().toList().get(2);
    assertThat(token).matches("[0-9a-f]{64}");
    Run list = cli(Who.ADMIN, List.of("controller", "users", "list"));
    assertThat(list.out()).contains("carol").contains("patcher@web").doesNotContain(token);
    Path file = Files.writeString(dir.resolve("carol.token"), token);
    Run asCarol =
        run(
            List.of(
                "processes",
                WEB,
                "--controller",
                controller.url(),
                "--controller-token-file",
                file.toString()));
    assertThat(asCarol.exit()).as(asCarol.toString()).isZero();
  }

  // ---- performing one operation through the API ----

  private static Answer perform(Who who, Op op) throws Exception {
    return switch (op) {
      case LIST_SERVICES -> send(who, "GET", FleetApi.SERVICES, null);
      case LIST_PROCESSES -> send(who, "GET", FleetApi.processes(WEB), null);
      case LIST_CHANGES -> send(who, "GET", FleetApi.changes(WEB), null);
      case READ_CHANGE -> send(who, "GET", FleetApi.change(WEB, addAsAdmin(probe())), null);
      case READ_METRICS -> send(who, "GET", FleetApi.metrics(WEB), null);
      case READ_EVENTS -> send(who, "GET", FleetApi.events(WEB), null);
      case ADD_PROBE -> send(who, "POST", FleetApi.changes(WEB), probe());
      case ADD_PATCH -> send(who, "POST", FleetApi.changes(WEB), patch());
      case REMOVE_PROBE -> send(who, "DELETE", FleetApi.change(WEB, addAsAdmin(probe())), null);
      case REVERT_PATCH -> send(who, "DELETE", FleetApi.change(WEB, activePatch()), null);
      case ADD_SHADOW -> send(who, "POST", FleetApi.changes(WEB), shadow());
      case READ_SHADOW -> send(who, "GET", FleetApi.shadow(WEB, addAsAdmin(shadow())), null);
      case PROMOTE_SHADOW ->
          send(who, "POST", FleetApi.promoteShadow(WEB, addAsAdmin(shadow())), Map.of());
      case REGISTER -> registerAnswer(who, WEB);
      case SYNC -> send(who, "POST", FleetApi.SYNC, sync(webProcess));
      case CHECK_SELECTOR ->
          send(who, "GET", FleetApi.selector(WEB) + "?text=com.acme.Cart%23add", null);
      case ANSWER_CLASSES ->
          send(
              who,
              "POST",
              FleetApi.CLASS_ANSWERS,
              new ClassAnswer(webProcess, "no-such-question", Map.of(), Map.of()).toJson());
      case DEREGISTER -> {
        // Allowed: a process of its own; refused: web's main process, which must stay.
        String target = allowed(who, op) ? register(Who.AGENT, WEB) : webProcess;
        Answer answer = send(who, "POST", FleetApi.DEREGISTER, deregister(target));
        if (!allowed(who, op)) {
          assertThat(processIds()).contains(webProcess);
        }
        yield answer;
      }
      case USERS_ADD ->
          send(
              who,
              "POST",
              FleetApi.USERS,
              Map.of("name", "u-" + next(), "roles", List.of("viewer")));
      case USERS_LIST -> send(who, "GET", FleetApi.USERS, null);
      case USERS_REVOKE -> {
        String victim = throwaway();
        Answer answer = send(who, "DELETE", FleetApi.user(victim), null);
        if (allowed(who, op)) {
          assertThat(answer.body().toString()).contains("name=" + victim);
          assertThat(userNames()).doesNotContain(victim);
        } else {
          assertThat(userNames()).contains(victim);
        }
        yield answer;
      }
      case USERS_ROTATE -> send(who, "POST", FleetApi.rotate(throwaway()), Map.of());
      case READ_POLICY -> send(who, "GET", FleetApi.policy(WEB), null);
      case LIST_APPROVALS -> send(who, "GET", FleetApi.APPROVALS + "?service=" + WEB, null);
      // The patcher's proposal: nobody on the approver's rung or above is its author.
      case APPROVE ->
          send(who, "POST", FleetApi.approve(WEB, propose(Who.PATCHER)), Map.of("comment", "ok"));
      // The admin's: its author may withdraw it (the admin would be allowed anyway), no one else
      // below the approver's rung may reject it.
      case REJECT ->
          send(who, "POST", FleetApi.reject(WEB, propose(Who.ADMIN)), Map.of("comment", "no"));
      // Setting web's policy to what it is: the cell is about who may, not what changes.
      case SET_POLICY ->
          send(
              who,
              "PUT",
              FleetApi.policy(WEB),
              Map.of("patchApprovals", 1, "probeApprovals", 0, "captureApprovals", 1));
      case READ_AUDIT -> send(who, "GET", FleetApi.AUDIT, null);
      case LIST_ROLLOUTS -> send(who, "GET", FleetApi.ROLLOUTS + "?service=" + WEB, null);
      case READ_ROLLOUT -> send(who, "GET", FleetApi.rollout(WEB, probeRollout()), null);
      case PAUSE_PROBE_ROLLOUT ->
          send(who, "POST", FleetApi.rolloutAction(WEB, probeRollout(), "pause"), Map.of());
      case ABORT_PATCH_ROLLOUT ->
          send(who, "POST", FleetApi.rolloutAction(WEB, patchRollout(), "abort"), Map.of());
      case PROMOTE_ROLLOUT ->
          send(who, "POST", FleetApi.rolloutAction(WEB, probeRollout(), "promote"), Map.of());
    };
  }

  // ---- helpers ----

  record Answer(int status, Map<String, Object> body) {}

  record Run(int exit, String out, String err) {}

  static Answer send(Who who, String method, String path, Map<String, Object> body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(controller.url() + path))
            .timeout(Duration.ofSeconds(30))
            // Ignored: who sent a request is who its token belongs to.
            .header(Api.USER_HEADER, "admin")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(Json.write(body)));
    if (who != Who.NO_TOKEN) {
      request.header(Api.AUTHORIZATION, Api.BEARER + TOKENS.get(who));
    }
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), Json.parseObject(response.body()));
  }

  static Run cli(Who who, List<String> args) throws Exception {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--controller", controller.url()));
    if (who != Who.NO_TOKEN) {
      Path file = dir.resolve("token-" + who);
      Files.writeString(file, TOKENS.get(who));
      all.addAll(List.of("--controller-token-file", file.toString()));
    }
    return run(all);
  }

  static Run run(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        JLiveCommand.run(
            args.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static String addUser(String name, String role) throws Exception {
    Answer added =
        send(Who.ADMIN, "POST", FleetApi.USERS, Map.of("name", name, "roles", List.of(role)));
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
    return (String) added.body().get("token");
  }

  static String throwaway() throws Exception {
    String name = "throwaway-" + next();
    addUser(name, "viewer");
    return name;
  }

  static Answer registerAnswer(Who who, String service) throws Exception {
    RegisterBody body =
        new RegisterBody(
            FleetApi.PROTOCOL_VERSION,
            service,
            "host-a",
            PIDS.incrementAndGet(),
            "17",
            "test",
            Map.of(),
            "instance-" + next());
    return send(who, "POST", FleetApi.REGISTER, body.toJson());
  }

  static String register(Who who, String service) throws Exception {
    Answer answer = registerAnswer(who, service);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    return (String) answer.body().get("process");
  }

  static Map<String, Object> sync(String process) {
    return new SyncBody(FleetApi.PROTOCOL_VERSION, process, -1, 0, Map.of(), Map.of(), List.of(), 0)
        .toJson();
  }

  static Map<String, Object> deregister(String process) {
    return Map.of("process", process);
  }

  static Map<String, Object> probe() {
    return Map.of(
        "kind", "probe", "spec", Map.of("selector", "com.acme.Web#m" + next(), "kind", "count"));
  }

  static Map<String, Object> patch() {
    String name = "Web" + next();
    return Map.of(
        "kind",
        "patch",
        "spec",
        Map.of(
            "sources",
            List.of(
                Map.of(
                    "name",
                    name + ".java",
                    "code",
                    "package com.acme; public class " + name + " { int price() { return 2; } }"))));
  }

  /** A shadow of a new patch: it needs what a probe needs (no approval under web's policy). */
  static Map<String, Object> shadow() {
    return Map.of("kind", "shadow", "spec", Map.of("patch", patch().get("spec")));
  }

  static String addAsAdmin(Map<String, Object> change) throws Exception {
    Answer added = send(Who.ADMIN, "POST", FleetApi.changes(WEB), change);
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
    return (String) ((Map<?, ?>) added.body().get("change")).get("id");
  }

  /** A patch {@code author} proposed, waiting for web's one approval. */
  static String propose(Who author) throws Exception {
    Answer added = send(author, "POST", FleetApi.changes(WEB), patch());
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
    Map<?, ?> change = (Map<?, ?>) added.body().get("change");
    assertThat(change.get("state")).isEqualTo("proposed");
    return (String) change.get("id");
  }

  /** A patch the admin proposed and the approver approved: active, so that it can be reverted. */
  static String activePatch() throws Exception {
    String id = propose(Who.ADMIN);
    Answer approved =
        send(Who.APPROVER, "POST", FleetApi.approve(WEB, id), Map.of("comment", "ok"));
    assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
    return id;
  }

  /** Rolled out in two waves with a bake of an hour: it stays running through the test. */
  static Map<String, Object> staged(Map<String, Object> change) {
    Map<String, Object> withPlan = new HashMap<>(change);
    withPlan.put("rollout", Map.of("waves", List.of("1", "100%"), "bakeMillis", 3_600_000));
    return withPlan;
  }

  /** A probe's rollout, running. */
  static String probeRollout() throws Exception {
    return addAsAdmin(staged(probe()));
  }

  /** A patch's rollout, approved and running. */
  static String patchRollout() throws Exception {
    Answer added = send(Who.ADMIN, "POST", FleetApi.changes(WEB), staged(patch()));
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
    String id = (String) ((Map<?, ?>) added.body().get("change")).get("id");
    Answer approved =
        send(Who.APPROVER, "POST", FleetApi.approve(WEB, id), Map.of("comment", "ok"));
    assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
    return id;
  }

  static List<String> processIds() throws Exception {
    return names(
        send(Who.ADMIN, "GET", FleetApi.processes(WEB), null).body().get("processes"), "id");
  }

  static int changeCount() throws Exception {
    return ((List<?>) send(Who.ADMIN, "GET", FleetApi.changes(WEB), null).body().get("changes"))
        .size();
  }

  static List<String> userNames() throws Exception {
    return names(send(Who.ADMIN, "GET", FleetApi.USERS, null).body().get("users"));
  }

  static List<String> names(Object list) {
    return names(list, "name");
  }

  static List<String> names(Object list, String field) {
    return ((List<?>) list)
        .stream().map(item -> String.valueOf(((Map<?, ?>) item).get(field))).toList();
  }

  static String error(Answer answer, String field) {
    return String.valueOf(((Map<?, ?>) answer.body().get("error")).get(field));
  }

  static long next() {
    return NAMES.incrementAndGet();
  }
}

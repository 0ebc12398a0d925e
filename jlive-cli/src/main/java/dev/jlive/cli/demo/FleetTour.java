package dev.jlive.cli.demo;

import dev.jlive.cli.JLiveCommand;
import dev.jlive.protocol.Json;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code jlive demo --fleet}: a controller and four demo shops linked to it, under load; the
 * pricing fix rolled out to the service, then a patch that breaks checkout for some carts, caught
 * by the canary gate and taken back. Like {@link DemoTour}, every command is real and its exit code
 * is checked; the tour leaves nothing running.
 */
public final class FleetTour {
  private static final String SERVICE = DemoFleet.SERVICE;
  private static final List<String> ZONES = List.of("zone=a", "zone=a", "zone=b", "zone=b");
  private static final long JOIN_TIMEOUT_MILLIS = 90_000;

  /**
   * The share of calls that throw, canary against control, with a little room for noise: the
   * control's checkouts throw too (the shop's empty-cart bug).
   */
  private static final String ERRORS_GATE = "errors <= 1.1 * control + 0.01";

  private static final String LATENCY_GATE = "p99 <= 2 * control + 5ms";

  /** Calls each side needs before a gate may pass: a few seconds of the shops' traffic. */
  private static final String MIN_CALLS = "50";

  /**
   * Calls the bad patch's canary needs before its gate is judged. The gate is judged at the first
   * second the canary has them, and at 50 calls (about 29 checkouts: the automatic probe counts
   * both of Checkout's methods) the broken canary passed the errors gate once in FleetDemoTest (8%
   * against control 7.6%); a simulation of the tour's traffic mix passes it in 5.6% of 20,000
   * windows at 50 calls, 0.2% at 150 and 0.06% at 200 (the plans' default).
   */
  private static final String BAD_PATCH_MIN_CALLS = "200";

  /**
   * How long each wave runs under traffic before its gates are judged, unless the (hidden) {@code
   * --fleet-bake} says otherwise. A shorter bake keeps the tour's meaning: a gate is judged only
   * once both sides have their minimum calls, however short the bake.
   */
  public static final String DEFAULT_BAKE = "10s";

  /**
   * Requests a second each shop serves, unless the (hidden) {@code --fleet-rate} says otherwise:
   * enough calls for the gates within a short bake, little enough that four shops and the
   * controller share a laptop. The gates wait for their minimum calls, so a higher rate only gets
   * them there sooner.
   */
  public static final int DEFAULT_RATE = 10;

  /** How long the tour follows a rollout: four compiles and three bakes on a busy laptop. */
  private static final long ROLLOUT_FOLLOW_MILLIS = 300_000;

  private static final Pattern CHANGE_ID =
      Pattern.compile("change (c\\d+) (?:sent|rolling out) to service");

  private final PrintWriter out;
  private final boolean interactive;
  private final BufferedReader keyboard =
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
  private final List<String> failures = new ArrayList<>();
  private final String bake;
  private final int rate;
  private int step;
  private DemoFleet fleet;

  /**
   * A tour whose waves bake for {@code bake} each and whose shops serve {@code rate} requests a
   * second ({@link #DEFAULT_BAKE} and {@link #DEFAULT_RATE} unless a test asks).
   */
  public FleetTour(PrintWriter out, boolean interactive, String bake, int rate) {
    this.out = out;
    this.interactive = interactive;
    this.bake = bake;
    this.rate = rate;
  }

  public int run() throws Exception {
    out.println(
        "jlive demo --fleet: one service of four JVMs, changed through a controller, in waves.");
    out.println();
    long left;
    try (DemoFleet started = DemoFleet.start()) {
      fleet = started;
      tour();
    } finally {
      left = fleet == null ? 0 : fleet.running();
    }
    out.println();
    out.println(
        left == 0
            ? "Stopped the four shops and the controller; its data folder is deleted. Nothing is left running."
            : left + " shop JVMs are still running: stop them by hand (jlive ps lists them).");
    if (left != 0) {
      failures.add(left + " shop JVMs still running");
    }
    if (failures.isEmpty()) {
      out.println(
          "Fleet tour complete. Next: `jlive help patch` and `jlive help rollout`; the README explains each.");
      out.flush();
      return 0;
    }
    out.println("Fleet tour finished with failures: " + String.join("; ", failures));
    out.flush();
    return 1;
  }

  private void tour() throws Exception {
    section(
        "A controller",
        "The controller keeps each service's desired changes in ZooKeeper (here an embedded one, its data in a"
            + " temporary folder) and serves agents and engineers over HTTP. It runs inside this tour, at "
            + fleet.url()
            + ". Every command below talks to it with --controller "
            + fleet.url()
            + " --controller-token-file "
            + fleet.adminToken()
            + " (the first admin's token), left out of what is shown.");
    Map<String, Object> agentUser =
        Json.parseObject(
            capture(
                "controller",
                "users",
                "add",
                "shop-agents",
                "--role",
                "agent@" + SERVICE,
                "--json"));
    Path agentToken = fleet.agentToken(String.valueOf(agentUser.get("token")));
    out.println("$ jlive controller users add shop-agents --role agent@" + SERVICE);
    out.println(
        "added shop-agents (agent@"
            + SERVICE
            + "): an agent credential, which may only register, sync and report; its token is in "
            + agentToken);
    out.println();

    section(
        "Sign-off",
        "The built-in policy asks for one approval, by someone other than the author, before a patch runs."
            + " This tour has one person, you, so it sets the shop's policy to 0 approvals. In production a second"
            + " person approves with `jlive approve` instead.");
    jlive("policy", "set", SERVICE, "--patch-approvals", "0");

    section(
        "Four processes",
        "Four shop JVMs start with the agent on their command line, linked to the controller as service "
            + SERVICE
            + ", two in zone a and two in zone b. Each runs its own simulated shoppers.");
    for (String zone : ZONES) {
      DemoService shop = fleet.join(zone, rate);
      out.println(
          "started a shop: pid "
              + shop.pid()
              + ", port "
              + shop.port()
              + ", -javaagent:jlive-agent.jar=controller="
              + fleet.url()
              + ",service="
              + SERVICE
              + ",labels="
              + zone
              + ",controllerTokenFile="
              + agentToken.getFileName());
    }
    out.println();
    awaitProcesses(ZONES.size());
    jlive("processes", SERVICE);

    section(
        "The bug, on every process",
        "Ten T-shirts at 1999 should get 10% off (17991); every process charges 19990.");
    DemoService first = fleet.shops().get(0);
    String cart = DemoTour.cartId(show(first, "POST", "/carts"));
    show(first, "POST", "/carts/" + cart + "/items?product=p2&qty=10");
    for (DemoService shop : fleet.shops().subList(1, fleet.shops().size())) {
      out.println("pid " + shop.pid() + ": ten T-shirts cost " + tenTShirts(shop));
    }
    out.println();

    section(
        "Roll out the fix in waves",
        "The fix (>= instead of >) goes out in waves: first one process (the canary), then half of them, then all."
            + " Each wave bakes under live traffic; then its health gates compare the processes on the new code"
            + " with those still on the old code over the same window. Each process compiles the fix against its"
            + " own running classes and applies it at a safe point.");
    out.println("    - if (quantity > BULK_QUANTITY) {");
    out.println("    + if (quantity >= BULK_QUANTITY) {");
    out.println();
    String fix =
        changeId(
            jlive(
                "patch",
                "--service",
                SERVICE,
                DemoSources.fixedPricing().toString(),
                "--rollout",
                "1,50%,100%",
                "--bake",
                bake,
                "--gate",
                ERRORS_GATE,
                "--gate",
                LATENCY_GATE,
                "--min-calls",
                MIN_CALLS));
    String fixEnd = followRollout(fix);
    expect("completed".equals(fixEnd), "the fix's rollout completed, not " + fixEnd);
    String fixed = show(first, "GET", "/carts/" + cart);
    if (expect(fixed.contains("\"total\":17991"), "the fixed cart costs 17991")) {
      out.println("The cart kept its ten T-shirts, and they now cost 17991.");
    }
    jlive("changes", "--service", SERVICE);

    section(
        "A bad patch",
        "Someone caps orders at two lines, and gets it wrong: checkout now throws for every cart of"
            + " three lines or more, about a quarter of them. It goes out the same way; the canary is one"
            + " process, the other three are the control.");
    for (String line : DemoSources.CHECKOUT_BREAK.split("\n")) {
      out.println("    + " + line.substring(Math.min(line.length(), 6)));
    }
    out.println();
    String bad =
        changeId(
            jlive(
                "patch",
                "--service",
                SERVICE,
                DemoSources.brokenCheckout().toString(),
                "--rollout",
                "1,100%",
                "--bake",
                bake,
                "--gate",
                ERRORS_GATE,
                "--min-calls",
                BAD_PATCH_MIN_CALLS));
    String badEnd = followRollout(bad);
    if ("rolled_back".equals(badEnd)) {
      awaitCanaryReverted(bad);
    }
    if (expect(
        "rolled_back".equals(badEnd), "the bad patch's rollout rolled back, not " + badEnd)) {
      out.println(
          "The canary's checkouts failed far more often than the control's over the same window: the"
              + " gate failed, the patch was reverted on the canary, and the other three never ran it."
              + " The gate's figures above are what decided it.");
      out.println();
    }
    jlive("changes", "--service", SERVICE);

    section(
        "Stop everything",
        "The shops stop (each agent deregisters on the way out), then the controller and its ZooKeeper.");
  }

  /**
   * Shows {@code jlive rollout status} each time the rollout moves (a new wave, a new step, its
   * end) until it ends; answers how it ended ("completed", "rolled_back", ...).
   */
  @SuppressWarnings("unchecked")
  private String followRollout(String change) throws InterruptedException {
    if (change == null) {
      return "not started";
    }
    long deadline = System.currentTimeMillis() + ROLLOUT_FOLLOW_MILLIS;
    String shown = "";
    while (System.currentTimeMillis() < deadline) {
      Map<String, Object> rollout =
          (Map<String, Object>)
              Json.parseObject(capture("rollout", "status", SERVICE, change, "--json"))
                  .get("rollout");
      String status = String.valueOf(rollout.get("status"));
      boolean ended =
          !status.equals("running") && !status.equals("pending") && !status.equals("paused");
      // Shown once per wave, when it bakes (every process of it applied), and at the end.
      String where = status + " " + ((List<Object>) rollout.get("waves")).size();
      if ((ended || "baking".equals(rollout.get("step"))) && !where.equals(shown)) {
        shown = where;
        jlive("rollout", "status", SERVICE, change);
      }
      if (ended) {
        return status;
      }
      // A demo follows a rollout as a person would, by looking again; nothing here is a test.
      Thread.sleep(1000);
    }
    failures.add(
        "rollout " + change + " did not end within " + ROLLOUT_FOLLOW_MILLIS / 1000 + " s");
    return "still running";
  }

  /**
   * The rollout ends when the controller took the change back; the canary reports its revert with
   * its next sync. Shows the status again once it did.
   */
  @SuppressWarnings("unchecked")
  private void awaitCanaryReverted(String change) throws InterruptedException {
    long deadline = System.currentTimeMillis() + JOIN_TIMEOUT_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      List<Object> waves =
          (List<Object>)
              Json.parseObject(capture("rollout", "status", SERVICE, change, "--json"))
                  .get("waveStates");
      if (!waves.isEmpty()
          && waves.get(0) instanceof Map<?, ?> states
          && states.containsKey("reverted")
          && states.size() == 1) {
        out.println("The canary has reported the revert:");
        jlive("rollout", "status", SERVICE, change);
        return;
      }
      // A demo looks again, as a person would; nothing here is a test.
      Thread.sleep(500);
    }
    failures.add("the canary of " + change + " did not report its revert");
  }

  /** The change id a {@code --service} command printed, or null (the failure is recorded). */
  private String changeId(String printed) {
    Matcher matcher = CHANGE_ID.matcher(printed);
    if (matcher.find()) {
      return matcher.group(1);
    }
    failures.add("no change id in: " + printed.strip());
    return null;
  }

  /** Records a failure of the tour when what it shows is not what it says. */
  private boolean expect(boolean seen, String what) {
    if (!seen) {
      failures.add("expected: " + what);
    }
    return seen;
  }

  /** The total of a fresh cart with ten T-shirts at {@code shop}, as its pricing says now. */
  private static String tenTShirts(DemoService shop) throws IOException, InterruptedException {
    String cart = DemoTour.cartId(shop.call("POST", "/carts"));
    String answer = shop.call("POST", "/carts/" + cart + "/items?product=p2&qty=10");
    Object total = Json.parseObject(answer.substring(answer.indexOf(' ') + 1)).get("total");
    return String.valueOf(total);
  }

  /** Waits until the controller lists {@code count} live processes of the service. */
  @SuppressWarnings("unchecked")
  private void awaitProcesses(int count) throws InterruptedException {
    out.println("Waiting for the four agents to register ...");
    out.flush();
    long deadline = System.currentTimeMillis() + JOIN_TIMEOUT_MILLIS;
    int seen = 0;
    while (System.currentTimeMillis() < deadline) {
      try {
        Object processes =
            Json.parseObject(capture("processes", SERVICE, "--json")).get("processes");
        seen = processes instanceof List<?> list ? list.size() : 0;
      } catch (RuntimeException notYet) {
        // The service is unknown until its first process registers.
        seen = 0;
      }
      if (seen >= count) {
        out.println();
        return;
      }
      // A demo waits for processes to come up; nothing here is a test.
      Thread.sleep(500);
    }
    failures.add("only " + seen + " of " + count + " processes registered");
  }

  private void section(String title, String explanation) throws IOException {
    step++;
    out.println();
    out.println("── " + step + ". " + title + " " + "─".repeat(Math.max(3, 60 - title.length())));
    out.println(explanation);
    out.println();
    out.flush();
    if (interactive) {
      out.print("[press Enter] ");
      out.flush();
      keyboard.readLine();
    }
  }

  private String show(DemoService shop, String method, String path)
      throws IOException, InterruptedException {
    out.println("$ curl -X " + method + " 'http://127.0.0.1:" + shop.port() + path + "'");
    String answer = shop.call(method, path);
    out.println(answer);
    out.println();
    out.flush();
    return answer;
  }

  /**
   * Runs {@code jlive ARGS} against the tour's controller, showing the command and its output;
   * answers the output.
   */
  private String jlive(String... args) {
    out.println("$ jlive " + String.join(" ", Arrays.stream(args).map(FleetTour::quoted).toList()));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int exit = JLiveCommand.run(withController(args), stream, stream);
    String printed = bytes.toString(StandardCharsets.UTF_8);
    out.print(printed);
    if (exit != 0) {
      failures.add("`jlive " + String.join(" ", args) + "` exited with " + exit);
    }
    out.println();
    out.flush();
    return printed;
  }

  /** An argument as a shell wants it typed: in single quotes when it has spaces or operators. */
  private static String quoted(String arg) {
    return arg.matches("[A-Za-z0-9_./:%,=@-]+") ? arg : "'" + arg + "'";
  }

  /** Runs {@code jlive ARGS} against the tour's controller and answers what it printed. */
  private String capture(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int exit = JLiveCommand.run(withController(args), stream, stream);
    String text = bytes.toString(StandardCharsets.UTF_8);
    if (exit != 0) {
      throw new IllegalStateException(
          "`jlive " + String.join(" ", args) + "` exited with " + exit + ": " + text.strip());
    }
    return text;
  }

  private String[] withController(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--controller", fleet.url(), "--controller-token-file", fleet.adminToken().toString()));
    return all.toArray(String[]::new);
  }
}

package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.jlive.cli.JLiveCommand;
import dev.jlive.it.apps.PatchTargetApp;
import dev.jlive.it.apps.Pricer;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.Browser;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.PriceLoad;
import dev.jlive.it.support.ProbeForm;
import dev.jlive.it.support.TargetJvm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Cookie;

/**
 * {@code jlive ui PID} in real headless Chromium against a forked JVM, with no controller: the
 * one-time link signs the browser in, the page shows the JVM, the probe form checks the selector as
 * it is typed (a loaded class with its methods; an unknown class refused with the agent's reason),
 * the new probe's chart moves, and a source patch's view shows its source. Without the link's
 * session every page's data is refused, the link works once, and the server cannot be reached on
 * the machine's other addresses.
 */
class ProcessDashboardTest {
  private static final Pattern LINK =
      Pattern.compile("(http://127\\.0\\.0\\.1:(\\d+))/ui/open\\S+");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static TargetJvm jvm;
  private static Thread ui;
  private static final AtomicInteger uiExit = new AtomicInteger(-1);
  private static String base;
  private static String link;
  private static int port;
  private static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    Browser.assumeInstalled();
    Artifacts.runtimeDir();
    jvm = TargetJvm.on(Jdk.JAVA_17).javaagent("").main(PatchTargetApp.class).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream printed = new PrintStream(out, true, StandardCharsets.UTF_8);
    ui =
        new Thread(
            () ->
                uiExit.set(
                    JLiveCommand.run(
                        new String[] {"ui", Long.toString(jvm.pid()), "--no-open", "--port", "0"},
                        printed,
                        printed)),
            "jlive-ui");
    ui.start();
    Matcher found =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> LINK.matcher(out.toString(StandardCharsets.UTF_8)), Matcher::find);
    link = found.group();
    base = found.group(1);
    port = Integer.parseInt(found.group(2));
    browser = Browser.start();
    browser.open(link);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (ui != null) {
      ui.interrupt();
      ui.join(30_000);
      assertThat(uiExit.get()).as("jlive ui stops when interrupted").isZero();
    }
    if (jvm != null) {
      jvm.close();
    }
  }

  @Test
  void theLinkOpensTheJvmAndTheProbeFormChecksTheSelectorAsItIsTyped() throws Exception {
    browser.await("#processes [data-pid='" + jvm.pid() + "']", 60);
    assertThat(browser.find("#processes").getText()).contains(PatchTargetApp.class.getName());
    assertThat(browser.all("#services")).as("no services list for one JVM").isEmpty();
    assertThat(browser.all("#tab-audit")).as("no audit log for one JVM").isEmpty();
    browser.screenshot("ui-process");

    ProbeForm form = ProbeForm.open(browser);
    form.typeRefused("com.nowhere.Missing#price", "com.nowhere.Missing", "not loaded");
    form.retypeLoaded(
        Pricer.class.getName() + "#pri",
        "price(int)",
        () -> assertThat(browser.all("#selector-refusal")).isEmpty());
    form.type("ce");
    browser.screenshot("ui-selector-check");
    form.add();

    try (PriceLoad load = new PriceLoad(jvm)) {
      browser.awaitRatesChartMoving(Duration.ofSeconds(60), last -> {});
      browser.screenshot("ui-probe");
    }

    // A source patch's view shows its source, as the agent kept it: new, since no earlier patch.
    CliRun patch =
        CliRun.jlive(
            "patch",
            Long.toString(jvm.pid()),
            PatchTest.source("quantity * 10", "quantity * 10 + 1").toString());
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    String id = patch.stdout().split(" ")[1];
    browser.open(base + "/#/patch/pid-" + jvm.pid() + "/" + id);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(browser.find("#diff").getText())
                    .contains("+    return quantity * 10 + 1;"));
    assertThat(CliRun.jlive("revert", Long.toString(jvm.pid()), id).exitCode()).isZero();
  }

  @Test
  void withoutTheLinksSessionNothingIsShownAndTheLinkWorksOnce() throws Exception {
    // The header is on every page: the link's session is in place.
    browser.await("#user", 60);
    Cookie session = browser.driver().manage().getCookieNamed("jlive_session");
    assertThat(session).as("the link set the session cookie").isNotNull();
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(session.getSameSite()).isEqualTo("Strict");

    // Control: the browser's own session reads the process.
    assertThat(get("/v1/services", session.getValue()).statusCode()).isEqualTo(200);
    // Without it: refused, the API and the live stream alike.
    HttpResponse<String> refused = get("/v1/services", null);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).as("what to do next, here").contains("run `jlive ui PID` again");
    assertThat(get("/ui/stream", null).statusCode()).isEqualTo(401);
    assertThat(get("/v1/services", "forged").statusCode()).isEqualTo(401);
    // A wrong secret, and the right one a second time, are refused.
    assertThat(get("/ui/open?secret=wrong", null).statusCode()).isEqualTo(401);
    HttpResponse<String> again = get(link.substring(base.length()), null);
    assertThat(again.statusCode()).isEqualTo(401);
    assertThat(again.body()).contains("already used").contains("jlive ui");
    // Signing in with a token does not exist here.
    HttpResponse<String> token =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/ui/session"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"x\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(token.statusCode()).isEqualTo(403);
  }

  @Test
  void theServerIsNotReachableOnANonLoopbackAddress() throws Exception {
    Optional<InetAddress> outside = nonLoopbackAddress();
    Assumptions.assumeTrue(outside.isPresent(), "this machine has no non-loopback IPv4 address");
    // Control: a socket on every address is reachable through this one.
    try (ServerSocket everywhere = new ServerSocket(0)) {
      try (Socket reached = new Socket()) {
        reached.connect(new InetSocketAddress(outside.get(), everywhere.getLocalPort()), 5_000);
        assertThat(reached.isConnected()).isTrue();
      }
    }
    try (Socket socket = new Socket()) {
      assertThatThrownBy(() -> socket.connect(new InetSocketAddress(outside.get(), port), 5_000))
          .isInstanceOf(ConnectException.class);
    }
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
    for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!network.isUp() || network.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(network.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }

  private static HttpResponse<String> get(String path, String session)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (session != null) {
      request.header("Cookie", "jlive_session=" + session);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}

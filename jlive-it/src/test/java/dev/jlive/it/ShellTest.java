package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.cli.client.HttpClients;
import dev.jlive.cli.shell.Shell;
import dev.jlive.cli.shell.ShellTarget;
import dev.jlive.it.apps.ProbeTargetApp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jlive shell} driven by scripted input on a dumb terminal over pipes, against a real JVM
 * with the agent: the same output as the CLI, errors that leave the session going, Ctrl-C that ends
 * a {@code tail} but not the shell, and completion from the target.
 */
class ShellTest {
  private static final String CALCULATOR = ProbeTargetApp.Calculator.class.getName();
  private static TargetJvm app;
  private static String pid;

  @TempDir Path home;
  private Session session;

  @BeforeAll
  static void start() throws Exception {
    app = TargetJvm.on(Jdk.JAVA_17).javaagent("").main(ProbeTargetApp.class).start();
    pid = Long.toString(app.pid());
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  @BeforeEach
  void openShell() throws IOException {
    session = new Session(home.resolve("history"));
  }

  @AfterEach
  void closeShell() throws Exception {
    session.close();
    assertThat(jlive("probe", "rm", pid, "--all").exitCode()).isZero();
  }

  @Test
  void aSessionPrintsWhatTheCliPrintsAndGoesOnAfterAnError() throws Exception {
    String info = session.type("info");
    String added = session.type("probe add " + CALCULATOR + "#add(int,int) --log 'a={a}'");
    String id = idIn(added);
    String list = session.type("probe list");
    String metrics = session.type("metrics");
    String bad = session.type("probe add NoSuchClass#nothing --bogus");
    String unknown = session.type("prob list");
    String after = session.type("probe list");
    String removed = session.type("probe remove " + id);
    session.exit();

    CliRun cliInfo = jlive("info", pid);
    CliRun cliAdded = jlive("probe", "add", pid, CALCULATOR + "#add(int,int)", "--log", "a={a}");
    String cliId = idIn(cliAdded.stdout());
    CliRun cliList = jlive("probe", "list", pid);
    CliRun cliMetrics = jlive("metrics", pid);
    CliRun cliBad = jlive("probe", "add", pid, "NoSuchClass#nothing", "--bogus");
    CliRun cliRemoved = jlive("probe", "rm", pid, cliId);

    assertThat(withoutClock(info)).isEqualTo(withoutClock(cliInfo.stdout()));
    assertThat(added.replace(id, "ID")).isEqualTo(cliAdded.stdout().replace(cliId, "ID"));
    assertThat(list.replace(id, "ID")).isEqualTo(cliList.stdout().replace(cliId, "ID"));
    assertThat(metrics.replace(id, "ID")).isEqualTo(cliMetrics.stdout().replace(cliId, "ID"));
    assertThat(removed.replace(id, "ID")).isEqualTo(cliRemoved.stdout().replace(cliId, "ID"));
    // The bad command: the CLI's error (on the terminal, as a shell has one stream), then the
    // session went on.
    assertThat(cliBad.exitCode()).isEqualTo(2);
    assertThat(bad).isEqualTo(cliBad.stdout() + cliBad.stderr()).contains("--bogus");
    assertThat(unknown)
        .isEqualTo(
            "jlive: 'prob' is not a jlive command\n  hint: `help` lists them; TAB completes them\n");
    assertThat(after).isEqualTo(list);
    assertThat(Files.readAllLines(home.resolve("history")))
        .anyMatch(line -> line.contains("probe list"));
  }

  @Test
  void ctrlCEndsTailButNotTheShell() throws Exception {
    String id = idIn(session.type("probe add " + CALCULATOR + "#add(int,int) --log 'a={a}'"));
    int before = session.prompts();
    // --last: calls made before the tail's first poll are shown too.
    session.send("tail " + id + " --last 10");
    app.ask("add 3", "add done");
    await().atMost(Duration.ofSeconds(30)).until(() -> session.output().contains("a=2"));
    // Negative control: the tail is still running (no new prompt) until Ctrl-C.
    assertThat(session.prompts()).isEqualTo(before);
    session.terminal.raise(Terminal.Signal.INT);
    session.awaitPrompts(before + 1);
    assertThat(session.type("probe list")).contains(id).contains(CALCULATOR + "#add");
  }

  @Test
  void completesCommandsFlagsClassesMethodsAndIds() throws Exception {
    Shell shell = session.shell;
    assertThat(shell.complete(List.of(), "pro")).contains("probe", "processes");
    assertThat(shell.complete(List.of("probe"), "")).contains("add", "list", "rm");
    assertThat(shell.complete(List.of("probe", "add"), "--me")).containsExactly("--metrics");

    String nested = CALCULATOR.substring(0, CALCULATOR.indexOf('$') + 2);
    assertThat(shell.complete(List.of("probe", "add"), nested)).contains(CALCULATOR + "#");
    assertThat(shell.complete(List.of("probe", "add"), "dev.jlive.it.ap"))
        .contains("dev.jlive.it.apps.");
    assertThat(shell.complete(List.of("probe", "add"), CALCULATOR + "#"))
        .contains(CALCULATOR + "#add", CALCULATOR + "#divide");
    assertThat(shell.complete(List.of("methods"), nested)).contains(CALCULATOR);
    // Negative control: no class of that name is loaded, so nothing is offered.
    assertThat(shell.complete(List.of("probe", "add"), "dev.jlive.it.apps.NoSuch")).isEmpty();

    List<String> before = shell.complete(List.of("probe", "rm"), "");
    String id = idIn(session.type("probe add " + CALCULATOR + "#add(int,int) --count"));
    // Negative control: the id is offered once the probe exists, not before.
    assertThat(before).doesNotContain(id);
    assertThat(shell.complete(List.of("probe", "rm"), "")).contains(id);
    assertThat(shell.complete(List.of("tail"), "")).contains(id);
  }

  private static String idIn(String probeAdded) {
    Matcher matcher = Pattern.compile("(?m)^probe (\\S+)").matcher(probeAdded);
    assertThat(matcher.find()).as(probeAdded).isTrue();
    return matcher.group(1);
  }

  /** info without the lines that change from one second to the next. */
  private static String withoutClock(String info) {
    return info.replaceAll("(?m)^(uptime|heap)\\s.*\\n", "");
  }

  /** A shell on a dumb terminal whose keyboard is a pipe the test types into. */
  private static final class Session implements AutoCloseable {
    final Terminal terminal;
    final Shell shell;
    private final PipedOutputStream keyboard = new PipedOutputStream();
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final Thread loop;
    private final AtomicInteger exitCode = new AtomicInteger(-1);
    private final String prompt = "jlive " + pid + "> ";

    Session(Path history) throws IOException {
      Artifacts.runtimeDir();
      terminal =
          new DumbTerminal(
              "test",
              "dumb",
              new PipedInputStream(keyboard, 1 << 16),
              screen,
              StandardCharsets.UTF_8);
      HttpClient http = HttpClients.newClient();
      ShellTarget target = HttpClients.reusing(http, () -> ShellTarget.toAgent(null, pid));
      shell = new Shell(target, terminal, http);
      loop = new Thread(() -> exitCode.set(shell.run(history)), "shell-under-test");
      loop.start();
      awaitPrompts(1);
    }

    /** Types a line and returns what the command printed, once the next prompt shows. */
    String type(String line) throws IOException {
      int before = prompts();
      int start = output().length();
      send(line);
      awaitPrompts(before + 1);
      String printed = output().substring(start);
      printed = printed.substring(0, printed.lastIndexOf(prompt));
      // The terminal may show the line being typed first, echoed.
      if (printed.startsWith(line)) {
        printed = printed.substring(line.length());
      }
      return printed.startsWith("\n") ? printed.substring(1) : printed;
    }

    void send(String line) throws IOException {
      keyboard.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      keyboard.flush();
    }

    String output() {
      return screen.toString(StandardCharsets.UTF_8).replace("\r\n", "\n").replace("\r", "");
    }

    int prompts() {
      String text = output();
      int count = 0;
      for (int at = text.indexOf(prompt); at >= 0; at = text.indexOf(prompt, at + 1)) {
        count++;
      }
      return count;
    }

    void awaitPrompts(int count) {
      await().atMost(Duration.ofSeconds(60)).until(() -> prompts() >= count || !loop.isAlive());
      assertThat(prompts()).as(output()).isGreaterThanOrEqualTo(count);
    }

    void exit() throws Exception {
      send("exit");
      loop.join(30_000);
      assertThat(loop.isAlive()).isFalse();
      assertThat(exitCode.get()).isZero();
    }

    @Override
    public void close() throws Exception {
      keyboard.close();
      loop.join(30_000);
      terminal.close();
    }
  }
}

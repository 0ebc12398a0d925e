package dev.jlive.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.cli.ExitCode;
import dev.jlive.cli.JLiveCommand;
import dev.jlive.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single-JVM commands read an agent's answers through the protocol's types (a fake agent
 * answers them).
 */
class AgentAnswersTest {
  record Run(int exit, String out, String err) {}

  private static final String INFO =
      """
      {"jvm": {"pid": 42, "mainClass": "com.acme.Main", "vmName": "OpenJDK 64-Bit Server VM", "vmVendor": "Eclipse Adoptium",
       "javaVersion": "17.0.9", "javaHome": "/opt/jdk", "featureVersion": 17, "uptimeMillis": 61000, "startTime": 1,
       "processors": 2, "heapUsedBytes": 10485760, "heapMaxBytes": -1, "inputArguments": [],
       "redefineClassesSupported": true, "retransformClassesSupported": true},
       "agent": {"version": "0.1.0", "mode": "agentmain", "startedAt": "2026-12-01T17:00:00Z", "activeChanges": 3}}""";

  @TempDir Path dir;

  private FakeController agent;
  private Path tokenFile;

  @BeforeEach
  void start() throws IOException {
    agent = new FakeController();
    tokenFile = Files.writeString(dir.resolve("token"), "s3cret\n");
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  private Run jlive(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(
        List.of(
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(URI.create(agent.url()).getPort()),
            "--token-file",
            tokenFile.toString()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        JLiveCommand.run(
            all.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void infoPrintsTheTypedAnswer() {
    agent.on("GET /v1/info", INFO);

    Run table = jlive("info");
    Run json = jlive("info", "--json");

    assertThat(table.exit()).isZero();
    assertThat(table.out())
        .contains("pid       42")
        .contains("uptime    1m 1s")
        .contains("heap      10 MiB used of ?")
        .contains("changes   3 active");
    // --json is the agent's answer as it was, with the endpoint added.
    Map<String, Object> expected = new LinkedHashMap<>(Json.parseObject(INFO));
    expected.put("endpoint", "127.0.0.1:" + URI.create(agent.url()).getPort());
    assertThat(Json.write(Json.parse(json.out()))).isEqualTo(Json.write(expected));
  }

  @Test
  void anAnswerThatDoesNotReadIsTheAgentsError() {
    agent.on("GET /v1/info", INFO.replace("\"pid\": 42", "\"pid\": \"42\""));

    Run run = jlive("info");

    assertThat(run.exit()).isEqualTo(ExitCode.AGENT_ERROR);
    assertThat(run.err())
        .contains(
            "answered in a form this jlive cannot read: the info answer's jvm: 'pid' must be a whole number from 1 to "
                + Long.MAX_VALUE
                + ", not the string \"42\"")
        .contains("hint: the agent may be of another jlive version");
  }

  @Test
  void fieldsOfANewerAgentAreIgnored() {
    agent.on(
        "GET /v1/classes",
        """
        {"pattern": "com.acme.*", "total": 1, "truncated": false, "shards": 4,
         "classes": [{"name": "com.acme.Cart", "loader": "app", "kind": "class", "source": "file:/app.jar", "hotness": 9}]}""");

    Run run = jlive("classes", "com.acme.*");

    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .contains("com.acme.Cart  class  app     file:/app.jar")
        .contains("1 class");
  }

  @Test
  void threadsShowLocksAndTheNote() {
    agent.on(
        "GET /v1/threads",
        """
        {"virtualThreadsNote": "virtual threads could not be listed: no", "threads": [{"id": 7, "name": "worker", "state": "BLOCKED",
         "daemon": true, "virtual": false, "waitingOn": "java.lang.Object@1", "lockOwner": "main", "stack": ["a.B.c(B.java:1)"]}]}""");

    Run run = jlive("threads");

    assertThat(run.out())
        .contains("\"worker\" #7 BLOCKED daemon on java.lang.Object@1 owned by \"main\"")
        .contains("    a.B.c(B.java:1)")
        .contains("1 thread")
        .contains("note: virtual threads could not be listed: no");
  }

  @Test
  void revertNamesAPatchsClassesAndPassesAProbeThrough() {
    agent.on(
        "DELETE /v1/changes",
        """
        {"id": "x1", "reverted": true, "classes": ["com.acme.Pricing"], "safepoint": "quiescent", "attempts": 1, "gateClosedMaxMillis": 0.4}""",
        """
        {"id": "p1", "state": "removed"}""");

    assertThat(jlive("revert", "x1").out())
        .contains("reverted x1: [com.acme.Pricing] run their previous code");
    assertThat(jlive("revert", "p1", "--json").out()).contains("\"state\": \"removed\"");
  }

  @Test
  void diffAndChangesReadTheirAnswers() {
    agent.on(
        "GET /v1/patches",
        """
        {"id": "x1", "digest": "sha256:ab", "classes": [{"class": "com.acme.Pricing", "loader": "app", "changedMethods": ["price(int)"]}],
         "author": "ann", "appliedAt": "2026-12-01T17:00:00Z", "safepoint": "quiescent"}""");
    agent.on(
        "GET /v1/changes",
        """
        {"changes": [{"id": "x1", "kind": "patch", "description": "new code for Pricing#price", "author": "ann",
         "createdAt": "2026-12-01T17:00:00Z", "state": "reverted", "reason": "reverted by ann", "updatedAt": "2026-12-01T17:01:00Z"}]}""");

    assertThat(jlive("diff", "x1").out())
        .contains("patch x1 by ann at 2026-12-01T17:00:00Z (sha256:ab)")
        .contains("com.acme.Pricing  price(int)");
    assertThat(jlive("changes").out())
        .contains(
            "x1  patch  reverted  ann  2026-12-01T17:00:00Z  new code for Pricing#price  reverted by ann");
  }

  @Test
  void detachNeedsTheAgentToSaySo() {
    agent.on("POST /v1/detach", "{\"detached\": false}");

    Run run = jlive("detach");

    assertThat(run.exit()).isEqualTo(ExitCode.AGENT_ERROR);
    assertThat(run.err()).contains("the detach answer does not say 'detached': true");
  }
}

package dev.jlive.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.cli.ExitCode;
import dev.jlive.cli.JLiveCommand;
import dev.jlive.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sign-off commands against a fake controller: what they send and what they print. */
class SignOffCommandsTest {
  private static final String POLICY =
      """
      {"service": "shop", "policy": {"patchApprovals": 1, "probeApprovals": 0, "captureApprovals": 1,\
       "approvers": ["bob", "carol"]}, "source": "service"}""";
  private static final String PROPOSED =
      """
      {"change": {"id": "c8", "kind": "patch", "description": "patch Cart.java", "author": "alice",\
       "state": "proposed", "required": 1}, "created": true}""";

  @TempDir Path dir;
  private FakeController controller;
  private Path tokenFile;

  @BeforeEach
  void start() throws IOException {
    controller = new FakeController();
    tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, "s3cret\n");
  }

  @AfterEach
  void stop() {
    controller.close();
  }

  @Test
  void policySetKeepsWhatIsNotGivenAndShowsTheResult() {
    controller.on("GET /v1/policies/shop", POLICY);
    controller.on(
        "PUT /v1/policies/shop", POLICY.replace("\"patchApprovals\": 1", "\"patchApprovals\": 2"));
    CliRun run = jlive("policy", "set", "shop", "--patch-approvals", "2");
    assertThat(run.exit()).as(run.err()).isZero();
    Map<String, Object> sent =
        Json.parseObject(controller.requests("PUT", "/v1/policies/shop").get(0).body());
    assertThat(sent)
        .containsEntry("patchApprovals", 2L)
        .containsEntry("probeApprovals", 0L)
        .containsEntry("captureApprovals", 1L)
        .containsEntry("approvers", List.of("bob", "carol"));
    assertThat(run.out())
        .contains("policy of shop (set for this service)")
        .containsPattern("patch +2 approvals")
        .containsPattern("approvers +bob, carol");
  }

  @Test
  void policyNeedsAServiceOrDefaultAndSomethingToSet() {
    assertThat(jlive("policy", "set", "--patch-approvals", "1").exit()).isEqualTo(ExitCode.USAGE);
    assertThat(jlive("policy", "set", "shop", "--default", "--patch-approvals", "1").exit())
        .isEqualTo(ExitCode.USAGE);
    assertThat(jlive("policy", "set", "shop").exit()).isEqualTo(ExitCode.USAGE);
    assertThat(jlive("reject", "shop", "c8").exit()).isEqualTo(ExitCode.USAGE);
    assertThat(controller.requests).isEmpty();
  }

  @Test
  void aProposedChangeIsReportedWithHowToApproveAndNotWaitedFor() throws IOException {
    Path source = dir.resolve("Cart.java");
    Files.writeString(source, "package com.acme; public class Cart {}");
    controller.on("POST /v1/services/shop/changes", PROPOSED);
    CliRun run = jlive("patch", "--service", "shop", source.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("change c8 proposed for service shop: patch Cart.java")
        .contains("1 more approval(s) by someone other than alice")
        .contains("jlive approve shop c8");
    assertThat(controller.requests("GET", "/v1/services/shop/changes/c8")).isEmpty();
  }

  @Test
  void approveAndRejectSendTheCommentAndSayWhereTheChangeStands() {
    controller.on(
        "POST /v1/services/shop/changes/c8/approve",
        PROPOSED
            .replace("\"proposed\"", "\"active\"")
            .replace(
                "\"required\": 1}",
                "\"required\": 1, \"approvals\": [{\"by\": \"bob\", \"decision\": \"approve\"}]}"));
    CliRun approved = jlive("approve", "shop", "c8", "--comment", "fine");
    assertThat(approved.exit()).as(approved.err()).isZero();
    assertThat(approved.out()).contains("approved c8 (1 of 1): active");
    assertThat(controller.requests("POST", "/v1/services/shop/changes/c8/approve").get(0).body())
        .isEqualTo("{\"comment\":\"fine\"}");
    controller.on(
        "POST /v1/services/shop/changes/c8/reject",
        PROPOSED.replace("\"proposed\"", "\"rejected\""));
    CliRun rejected = jlive("reject", "shop", "c8", "--comment", "wrong rounding");
    assertThat(rejected.exit()).as(rejected.err()).isZero();
    assertThat(rejected.out()).contains("rejected c8 of shop: no process will receive it");
  }

  record CliRun(int exit, String out, String err) {}

  private CliRun jlive(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(
        List.of("--controller", controller.url(), "--controller-token-file", tokenFile.toString()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        JLiveCommand.run(
            all.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new CliRun(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}

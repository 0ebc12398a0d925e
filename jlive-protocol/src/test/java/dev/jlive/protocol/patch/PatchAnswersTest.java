package dev.jlive.protocol.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class PatchAnswersTest {
  private static final String CLASSES =
      "\"classes\":[{\"class\":\"com.acme.Pricing\",\"loader\":\"app\","
          + "\"changedMethods\":[\"total(Ljava/util/List;)J\",\"round(J)J\"]}]";
  private static final PatchedClass PRICING =
      new PatchedClass("com.acme.Pricing", "app", List.of("total()J"));

  private static String message(ThrowingCallable call) {
    return catchThrowableOfType(JLiveException.class, call).getMessage();
  }

  @Test
  void appliedAtAQuiescentSafePointRoundTrips() {
    String json =
        "{\"id\":\"x1\",\"digest\":\"sha256:0123\","
            + CLASSES
            + ",\"compiler\":\"javac\",\"safepoint\":\"quiescent\","
            + "\"attempts\":2,\"gateClosedMaxMillis\":1.25,\"quiescenceSet\":[\"com.acme.Pricing#total\"]}";
    PatchResult result = PatchResult.fromWire(Json.parse(json));
    assertThat(result.safepoint()).isEqualTo(SafepointReport.quiescent(2, 1.25));
    assertThat(Json.write(result.toJson())).isEqualTo(json);
  }

  @Test
  void phaseTimesRoundTripInOrderAndAnAnswerWithoutThemReadsAsNone() {
    String json =
        "{\"id\":\"x1\",\"digest\":\"sha256:0123\","
            + CLASSES
            + ",\"compiler\":\"javac\",\"safepoint\":\"immediate\","
            + "\"phases\":[{\"phase\":\"compiled\",\"millis\":412.5},{\"phase\":\"swapped\",\"millis\":3.0}]}";
    PatchResult result = PatchResult.fromWire(Json.parse(json));
    assertThat(result.phases())
        .containsExactly(new PatchPhase("compiled", 412.5), new PatchPhase("swapped", 3.0));
    assertThat(Json.write(result.toJson())).isEqualTo(json);
    String old =
        "{\"id\":\"x2\",\"digest\":\"sha256:0123\"," + CLASSES + ",\"safepoint\":\"immediate\"}";
    assertThat(PatchResult.fromWire(Json.parse(old)).phases()).isEmpty();
  }

  @Test
  void appliedImmediatelyAndDryRunRoundTrip() {
    String immediate =
        "{\"id\":\"x2\",\"digest\":\"sha256:0123\"," + CLASSES + ",\"safepoint\":\"immediate\"}";
    assertThat(Json.write(PatchResult.fromWire(Json.parse(immediate)).toJson()))
        .isEqualTo(immediate);
    String dryRun =
        "{\"digest\":\"sha256:0123\"," + CLASSES + ",\"compiler\":\"ecj\",\"dryRun\":true}";
    assertThat(PatchResult.fromWire(Json.parse(dryRun)).dryRun()).isTrue();
    assertThat(Json.write(PatchResult.fromWire(Json.parse(dryRun)).toJson())).isEqualTo(dryRun);
  }

  @Test
  void aDryRunHasNoIdAndAnAppliedPatchHasOne() {
    assertThat(
            message(
                () -> new PatchResult("x1", "d", List.of(PRICING), null, true, null, List.of())))
        .isEqualTo("a patch answer with dryRun=true, id x1 and no safe point");
    assertThat(
            message(
                () ->
                    new PatchResult(
                        null,
                        "d",
                        List.of(PRICING),
                        null,
                        false,
                        SafepointReport.IMMEDIATE,
                        List.of())))
        .isEqualTo("a patch answer with dryRun=false, id null and a safe point");
  }

  @Test
  void aPatchedClassNamesAChangedMethod() {
    assertThat(message(() -> new PatchedClass("com.acme.Pricing", "app", List.of())))
        .isEqualTo("patched class com.acme.Pricing has no 'changedMethods'");
  }

  @Test
  void aQuiescentSafePointTakesAttemptsAndAnImmediateOneNone() {
    assertThat(message(() -> SafepointReport.quiescent(0, 0)))
        .isEqualTo(
            "a quiescent safe point with 'attempts' 0: a quiescent one takes at least 1 attempt, an immediate one none");
    assertThat(message(() -> new SafepointReport(SafepointMode.IMMEDIATE, 3, 0)))
        .isEqualTo(
            "a immediate safe point with 'attempts' 3: a quiescent one takes at least 1 attempt, an immediate one none");
  }

  @Test
  void patchListAndDetailRoundTrip() {
    String detail =
        "{\"id\":\"x1\",\"digest\":\"sha256:0123\","
            + CLASSES
            + ",\"author\":\"alice\","
            + "\"appliedAt\":\"2026-12-01T17:00:00.250Z\",\"safepoint\":\"quiescent\"}";
    assertThat(Json.write(PatchDetail.fromWire(Json.parse(detail)).toJson())).isEqualTo(detail);
    String list = "{\"patches\":[" + detail + "]}";
    assertThat(Json.write(PatchList.fromWire(Json.parse(list)).toJson())).isEqualTo(list);
  }

  @Test
  void anActivePatchChangesAClass() {
    assertThat(
            message(
                () ->
                    new PatchDetail(
                        "x1", "d", List.of(), "alice", Instant.EPOCH, SafepointMode.IMMEDIATE)))
        .isEqualTo("patch x1 lists no 'classes'");
  }

  @Test
  void aPatchListListsEachPatchOnce() {
    PatchDetail patch =
        new PatchDetail(
            "x1", "d", List.of(PRICING), "alice", Instant.EPOCH, SafepointMode.IMMEDIATE);
    assertThat(message(() -> new PatchList(List.of(patch, patch))))
        .isEqualTo("the patch list lists patch x1 twice");
  }

  @Test
  void revertRoundTrips() {
    String quiescent =
        "{\"id\":\"x1\",\"reverted\":true,\"classes\":[\"com.acme.Pricing\"],\"safepoint\":\"quiescent\",\"attempts\":1,"
            + "\"gateClosedMaxMillis\":0.5}";
    assertThat(Json.write(RevertResult.fromWire(Json.parse(quiescent)).toJson()))
        .isEqualTo(quiescent);
    String immediate =
        "{\"id\":\"x2\",\"reverted\":true,\"classes\":[\"com.acme.Pricing\"],\"safepoint\":\"immediate\"}";
    assertThat(Json.write(RevertResult.fromWire(Json.parse(immediate)).toJson()))
        .isEqualTo(immediate);
    assertThat(RevertResult.isRevert(Json.parseObject(immediate))).isTrue();
    assertThat(RevertResult.isRevert(Map.of("id", "p1"))).isFalse();
  }

  @Test
  void aRevertNamesItsClasses() {
    assertThat(message(() -> new RevertResult("x1", List.of(), SafepointReport.IMMEDIATE)))
        .isEqualTo("the revert of x1 names no 'classes'");
  }
}

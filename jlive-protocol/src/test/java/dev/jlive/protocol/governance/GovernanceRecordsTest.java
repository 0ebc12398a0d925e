package dev.jlive.protocol.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.ChangeState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Policies, approvals on a change and the approval list: round trips and each rule's message. */
class GovernanceRecordsTest {
  private static final String PROPOSED =
      """
      {"id":"c9","number":9,"service":"shop","kind":"patch","description":"patch Cart.java","where":{},\
      "digest":"ab12","author":"ann","createdAt":"t0","state":"proposed","targets":["p1"],"required":2,\
      "approvals":[{"by":"bob","at":"t1","decision":"approve","comment":"fine"}]}""";

  @Test
  void aProposedChangeWithItsApprovalsReadsAndWritesTheSameJson() {
    Change change = Change.fromWire(Json.parse(PROPOSED));
    assertThat(change.state()).isEqualTo(ChangeState.PROPOSED);
    assertThat(change.approvalCount()).isEqualTo(1);
    assertThat(change.hasWordFrom("bob")).isTrue();
    assertThat(Json.write(change.toJson())).isEqualTo(PROPOSED);
    String list = "{\"waiting\":[{\"change\":" + PROPOSED + ",\"missing\":1,\"diff\":\"+x\\n\"}]}";
    assertThat(Json.write(ApprovalList.fromWire(Json.parse(list)).toJson())).isEqualTo(list);
  }

  @Test
  void aWordMovesTheChangeOnlyWhenItRejects() {
    Change change = Change.fromWire(Json.parse(PROPOSED));
    Change approved = change.withWord(new Approval("carol", "t2", Approval.Decision.APPROVE, null));
    assertThat(approved.state()).isEqualTo(ChangeState.PROPOSED);
    assertThat(approved.approvalCount()).isEqualTo(2);
    assertThat(approved.activated().isActive()).isTrue();
    Change rejected = change.withWord(new Approval("dave", "t2", Approval.Decision.REJECT, "no"));
    assertThat(rejected.state()).isEqualTo(ChangeState.REJECTED);
    assertThat(rejected.approvalCount()).isEqualTo(1);
  }

  @Test
  void thePolicySaysWhatEachKindOfChangeNeeds() {
    Policy builtIn = Policy.BUILT_IN;
    assertThat(builtIn.required(ChangeKind.PATCH, Map.of())).isEqualTo(1);
    assertThat(builtIn.required(ChangeKind.PROBE, Map.of("kind", "metrics"))).isZero();
    assertThat(builtIn.required(ChangeKind.PROBE, Map.of())).isZero();
    assertThat(builtIn.required(ChangeKind.PROBE, Map.of("kind", "capture"))).isEqualTo(1);
    assertThat(builtIn.allowsApprover("anyone")).isTrue();
    Policy named = new Policy(2, 0, 1, List.of("bob", "carol", "bob"));
    assertThat(named.approvers()).containsExactly("bob", "carol");
    assertThat(named.allowsApprover("carol")).isTrue();
    assertThat(named.allowsApprover("erin")).isFalse();
    String json =
        "{\"patchApprovals\":2,\"probeApprovals\":0,\"captureApprovals\":1,\"approvers\":[\"bob\",\"carol\"]}";
    assertThat(Json.write(Policy.fromJson(Json.parse(json)).toJson())).isEqualTo(json);
    assertThat(Policy.fromJson(Json.parse("{\"patchApprovals\":3}")))
        .isEqualTo(new Policy(3, 0, 1, List.of()));
  }

  @Test
  void aPolicyThatCannotBeMetOrIsMistypedIsRefusedWithTheReason() {
    assertThat(refusal(() -> new Policy(11, 0, 0, List.of())).getMessage())
        .isEqualTo("the policy: patchApprovals must be 0 to 10, not 11");
    assertThat(refusal(() -> new Policy(2, 0, 0, List.of("bob"))).getMessage())
        .isEqualTo("the policy asks for 2 approvals but names only 1 approver(s): bob");
    assertThat(refusal(() -> Policy.fromJson(Json.parse("{\"patchApproval\":1}"))).getMessage())
        .contains("patchApproval");
    assertThat(refusal(() -> Policy.fromJson(Json.parse("{\"approvers\":\"bob\"}"))).code())
        .isEqualTo(ErrorCode.BAD_REQUEST);
  }

  private static JLiveException refusal(Runnable action) {
    return catchThrowableOfType(JLiveException.class, action::run);
  }
}

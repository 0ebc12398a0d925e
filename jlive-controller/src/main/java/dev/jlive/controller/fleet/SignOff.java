package dev.jlive.controller.fleet;

import dev.jlive.controller.store.FleetStore;
import dev.jlive.controller.store.PolicyStore;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.governance.Approval;
import dev.jlive.protocol.governance.ApprovalList;
import dev.jlive.protocol.governance.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Sign-off by a second person: what waits for approval, and approving or rejecting it. A proposed
 * change keeps the number of approvals its policy asked for when it was made; who may approve is
 * the policy's list at the moment of approving. The author never counts, and no one counts twice.
 * The last approval makes the change active through {@link ServiceChanges#activate}, in the same
 * ZooKeeper transaction that makes it desired.
 */
public final class SignOff {
  private final FleetStore store;
  private final PolicyStore policies;
  private final ServiceChanges changes;

  public SignOff(FleetStore store, PolicyStore policies, ServiceChanges changes) {
    this.store = store;
    this.policies = policies;
    this.changes = changes;
  }

  /** The proposed changes of one service, or of all with {@code service} null, oldest first. */
  public ApprovalList waiting(String service) {
    List<String> services = service == null ? store.services() : List.of(service);
    if (service != null) {
      changes.requireService(service);
    }
    List<ApprovalList.Waiting> list = new ArrayList<>();
    for (String name : services) {
      List<Change> all = new ArrayList<>(store.changes(name));
      all.sort(Comparator.comparingLong(Change::number));
      List<Change> active = all.stream().filter(Change::isActive).toList();
      for (Change change : all) {
        if (change.isProposed()) {
          list.add(
              new ApprovalList.Waiting(
                  change.summary(),
                  Math.max(0, change.required() - change.approvalCount()),
                  diff(change, active)));
        }
      }
    }
    return new ApprovalList(list);
  }

  /** One unreadable stored spec must not hide every other change waiting for approval. */
  private static String diff(Change change, List<Change> active) {
    try {
      return ApprovalDiff.of(change, active);
    } catch (JLiveException unreadable) {
      return "cannot show what it changes: " + unreadable.getMessage() + "\n";
    }
  }

  /** Records {@code user}'s approval; the last one needed makes the change active. */
  public Change approve(String service, String id, String user, String comment, long now) {
    changes.require(service, id);
    return store.updateProposal(
        service,
        id,
        current -> {
          requireProposed(current, "approved");
          if (current.author() != null && current.author().equals(user)) {
            throw new JLiveException(
                ErrorCode.FORBIDDEN,
                user
                    + " cannot approve "
                    + id
                    + ": it is their own change (the author never counts)",
                "someone else approves it: "
                    + whoMayApprove(service)
                    + " runs jlive approve "
                    + service
                    + " "
                    + id);
          }
          requireApprover(service, id, user, "approve");
          if (current.hasWordFrom(user)) {
            throw new JLiveException(
                ErrorCode.CONFLICT,
                user + " already approved " + id + "; no one counts twice",
                missing(current) + " more approval(s) from " + whoMayApprove(service));
          }
          Change approved =
              current.withWord(
                  new Approval(
                      user,
                      Instant.ofEpochMilli(now).toString(),
                      Approval.Decision.APPROVE,
                      comment));
          return approved.approvalCount() >= approved.required()
              ? changes.activate(approved)
              : approved;
        });
  }

  /** Rejects a proposed change for good: it is never sent. The author may withdraw their own. */
  public Change reject(String service, String id, String user, String comment, long now) {
    if (comment == null || comment.isBlank()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "rejecting " + id + " needs a comment: the author should learn why",
          "jlive reject " + service + " " + id + " --comment 'WHY'");
    }
    changes.require(service, id);
    return store.updateProposal(
        service,
        id,
        current -> {
          requireProposed(current, "rejected");
          if (current.author() == null || !current.author().equals(user)) {
            requireApprover(service, id, user, "reject");
          }
          return current.withWord(
              new Approval(
                  user, Instant.ofEpochMilli(now).toString(), Approval.Decision.REJECT, comment));
        });
  }

  private static void requireProposed(Change change, String verb) {
    if (change.isProposed()) {
      return;
    }
    String state = JsonObject.wireName(change.state());
    throw new JLiveException(
        ErrorCode.CONFLICT,
        "change "
            + change.id()
            + " is "
            + state
            + ", not proposed: only a proposed change can be "
            + verb,
        switch (change.state()) {
          case REJECTED, REVERTED ->
              "a " + state + " change stays so; send it again to propose it anew";
          default -> "`jlive changes --service " + change.service() + "` shows where it stands";
        });
  }

  private void requireApprover(String service, String id, String user, String verb) {
    Policy policy = policies.effective(service).policy();
    if (!policy.allowsApprover(user)) {
      throw new JLiveException(
          ErrorCode.FORBIDDEN,
          user
              + " may not "
              + verb
              + " "
              + id
              + ": the policy of "
              + service
              + " names its approvers: "
              + String.join(", ", policy.approvers()),
          "ask one of them, or an admin to add you: jlive policy set "
              + service
              + " --approvers ...");
    }
  }

  private String whoMayApprove(String service) {
    Policy policy = policies.effective(service).policy();
    return policy.approvers().isEmpty()
        ? "a user with the approver role for " + service
        : "one of " + String.join(", ", policy.approvers());
  }

  private static int missing(Change change) {
    return Math.max(0, change.required() - change.approvalCount());
  }
}

package dev.jlive.controller.fleet;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.shadow.ShadowRequest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What an approver reads before saying yes: a patch's sources as a unified diff against what runs,
 * that is the sources of the newest active patch of the same class in the service, or against
 * nothing ("new") when no active patch changes that class; the deployed build's own source is not
 * known to the controller. Compiled class files have no source: their names, sizes and digests
 * stand in. A probe is shown by its spec. {@code jlive ui PID} builds the same diff from one
 * agent's recent patches.
 */
public final class ApprovalDiff {
  private static final int CONTEXT_LINES = 3;

  private ApprovalDiff() {}

  /**
   * @param active the service's active changes, oldest first, with their specs
   */
  public static String of(Change proposed, List<Change> active) {
    if (proposed.kind() == ChangeKind.PROBE) {
      return "probe " + Json.write(proposed.spec()) + "\n";
    }
    if (proposed.kind() == ChangeKind.SHADOW) {
      // The candidate is what an approver reads; the shadow runs it beside the code, installs none.
      ShadowRequest shadow = ShadowRequest.fromJson(proposed.spec());
      return "shadow, 1 call in "
          + shadow.sampleEvery()
          + (shadow.expect() == null ? "" : ", expect " + shadow.expect())
          + "; its candidate:\n"
          + patchDiff(proposed.id(), shadow.patch(), active);
    }
    return patchDiff(
        proposed.id(), PatchRequest.fromJson(proposed.spec(), "the proposed patch"), active);
  }

  private static String patchDiff(String proposedId, PatchRequest patch, List<Change> active) {
    StringBuilder text = new StringBuilder();
    for (PatchRequest.Source source : patch.sources()) {
      Running running = runningSource(source.className(), active);
      String newName = "b/" + source.fileName() + " (" + proposedId + ")";
      if (running == null) {
        text.append("new: no active patch changes ").append(source.className()).append('\n');
        text.append(diff("/dev/null", newName, "", source.code()));
      } else {
        text.append(
            diff(
                "a/" + running.source().fileName() + " (" + running.changeId() + ", active)",
                newName,
                running.source().code(),
                source.code()));
      }
    }
    if (patch.method() != null) {
      String running = runningMethod(patch.method(), active);
      text.append(running == null ? "new: no active patch changes " + patch.method() + "\n" : "");
      text.append(
          diff(
              running == null ? "/dev/null" : "a/" + patch.method() + " (active)",
              "b/" + patch.method() + " (" + proposedId + ")",
              running == null ? "" : running,
              patch.methodSource()));
    }
    int index = 0;
    for (byte[] classFile : patch.classFiles()) {
      text.append("compiled class file #")
          .append(++index)
          .append(": ")
          .append(classFile.length)
          .append(" bytes, sha-256 ")
          .append(sha256(classFile))
          .append(" (no source to compare)\n");
    }
    return text.toString();
  }

  private record Running(String changeId, PatchRequest.Source source) {}

  private static Running runningSource(String className, List<Change> active) {
    for (int i = active.size() - 1; i >= 0; i--) {
      Change change = active.get(i);
      if (change.kind() != ChangeKind.PATCH || change.spec() == null) {
        continue;
      }
      for (PatchRequest.Source source : patchOf(change).sources()) {
        if (source.className().equals(className)) {
          return new Running(change.id(), source);
        }
      }
    }
    return null;
  }

  private static String runningMethod(String method, List<Change> active) {
    for (int i = active.size() - 1; i >= 0; i--) {
      Change change = active.get(i);
      if (change.kind() == ChangeKind.PATCH && change.spec() != null) {
        PatchRequest patch = patchOf(change);
        if (method.equals(patch.method())) {
          return patch.methodSource();
        }
      }
    }
    return null;
  }

  private static PatchRequest patchOf(Change change) {
    return PatchRequest.fromJson(change.spec(), "active patch " + change.id());
  }

  private static String diff(String oldName, String newName, String before, String after) {
    List<String> oldLines = before.isEmpty() ? List.of() : before.lines().toList();
    List<String> newLines = after.lines().toList();
    List<String> unified =
        UnifiedDiffUtils.generateUnifiedDiff(
            oldName, newName, oldLines, DiffUtils.diff(oldLines, newLines), CONTEXT_LINES);
    if (unified.isEmpty()) {
      return "no difference: " + newName + " is what runs\n";
    }
    List<String> lines = new ArrayList<>(unified);
    lines.add("");
    return String.join("\n", lines);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}

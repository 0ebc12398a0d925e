package dev.jlive.agent.shadow;

import dev.jlive.agent.purity.Finding;
import dev.jlive.agent.purity.SideEffectCheck;
import dev.jlive.agent.purity.Verdict;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * The side-effect check, as a shadow asks it of each changed method, old body and new: both run a
 * second time (the old one to learn noise), so both must change nothing that existed before.
 */
final class SideEffects {
  private final SideEffectCheck check;

  SideEffects(Instrumentation instrumentation) {
    this.check = SideEffectCheck.of(instrumentation);
  }

  /**
   * Why the method, in these bytes, may not be run a second time on the same inputs; empty when it
   * may.
   *
   * @param classBytes the class as the body to judge has it (the running base, or the candidate)
   * @param which "old" or "new", for the answer
   */
  List<String> findings(
      Class<?> owner, byte[] classBytes, String name, String descriptor, String which) {
    Verdict verdict = check.check(classBytes, owner, name, descriptor);
    List<String> reasons = new ArrayList<>();
    for (Finding finding : verdict.findings()) {
      reasons.add("the " + which + " " + verdict.method() + " " + finding.describe());
    }
    return reasons;
  }
}

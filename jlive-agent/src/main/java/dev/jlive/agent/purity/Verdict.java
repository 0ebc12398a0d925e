package dev.jlive.agent.purity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The side-effect check's answer for one method.
 *
 * @param method the method checked, as {@code com.acme.Pricing.total(int)}
 * @param repeatable true when running the method a second time on the same inputs provably changes
 *     nothing that existed before the call; then {@code findings} is empty
 * @param findings what stands in the way, in the order found (at most {@link
 *     SideEffectCheck#MAX_FINDINGS})
 */
public record Verdict(String method, boolean repeatable, List<Finding> findings) {
  public Verdict {
    findings = List.copyOf(findings);
    if (repeatable != findings.isEmpty()) {
      throw new IllegalArgumentException(
          "a verdict is repeatable exactly when it has no findings; got repeatable="
              + repeatable
              + " with "
              + findings.size()
              + " findings");
    }
  }

  /** Several lines: the verdict, then each finding. */
  public String describe() {
    StringBuilder text =
        new StringBuilder(method)
            .append(
                repeatable
                    ? ": repeatable (changes nothing it did not create)"
                    : ": not repeatable");
    for (Finding finding : findings) {
      text.append("\n  ").append(finding.describe());
    }
    return text.toString();
  }

  public Map<String, Object> toJson() {
    List<Object> list = new ArrayList<>();
    for (Finding finding : findings) {
      list.add(finding.toJson());
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("method", method);
    json.put("repeatable", repeatable);
    json.put("findings", list);
    return json;
  }
}

package dev.jlive.agent.record;

import dev.jlive.agent.patch.PatchEngine;
import dev.jlive.agent.purity.Finding;
import dev.jlive.agent.purity.SideEffectCheck;
import dev.jlive.agent.purity.Verdict;
import dev.jlive.agent.shadow.CandidateClass;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.patch.PatchRequest;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code jlive replay PID FILE --patch X.java}: the recorded calls run inside the target against a
 * candidate patch that is compiled but not installed. The candidate is loaded as a shadow loads it,
 * a hidden nestmate copy of the changed methods beside the running class ({@link CandidateClass}),
 * so the running code and its callers are untouched; the recorded values are read with the method's
 * own class loader. The body must pass the side-effect check, as a shadow's must: it runs on
 * jlive's thread, in the service.
 */
public final class ReplayEngine {
  static final Set<String> FIELDS = Set.of("file", "patch");

  private final Instrumentation instrumentation;
  private final PatchEngine patches;

  public ReplayEngine(Instrumentation instrumentation, PatchEngine patches) {
    this.instrumentation = instrumentation;
    this.patches = patches;
  }

  public Map<String, Object> replay(Object json) {
    StrictObject body = StrictObject.of(json, "the replay request", FIELDS).rejectUnknown();
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(body.requireString("file", "the record file in base64"));
    } catch (IllegalArgumentException e) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the replay request's 'file' is not base64: " + e.getMessage(),
          "send the record file's bytes in base64, as jlive replay does");
    }
    if (!body.has("patch")) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "a replay in the JVM needs the candidate patch",
          "give --patch X.java (a replay against a local build runs without PID: jlive replay"
              + " FILE --cp CLASSPATH)");
    }
    RecordFile file = RecordFile.read(bytes, "the record file");
    PatchRequest request =
        PatchRequest.fromJson(body.optionalObject("patch"), "the replay's patch");
    return replay(file, request);
  }

  private synchronized Map<String, Object> replay(RecordFile file, PatchRequest request) {
    RecordHeader header = file.header();
    PatchEngine.Candidate candidate = patches.candidate(request);
    Class<?> type =
        candidate.changed().keySet().stream()
            .filter(each -> each.getName().equals(header.className()))
            .findFirst()
            .orElseThrow(
                () ->
                    new JLiveException(
                        ErrorCode.BAD_REQUEST,
                        "the patch does not change "
                            + header.className()
                            + ", the class of the recorded method "
                            + header.display()
                            + "; it changes "
                            + candidate.changed().keySet().stream().map(Class::getName).toList(),
                        "give a patch of the recorded method's class"));
    byte[] candidateBytes = candidate.changed().get(type);
    String key = header.method() + " " + header.descriptor();
    Verdict verdict =
        SideEffectCheck.of(instrumentation)
            .check(candidateBytes, type, header.method(), header.descriptor());
    List<String> reasons = new ArrayList<>();
    for (Finding finding : verdict.findings()) {
      reasons.add("the new " + verdict.method() + " " + finding.describe());
    }
    if (!reasons.isEmpty()) {
      throw FreshReplay.refused(reasons);
    }
    // The recorded method and every changed method of its class: a call between them goes to the
    // candidate's copy.
    Set<String> keys = new LinkedHashSet<>();
    keys.add(key);
    keys.addAll(candidate.changedMethods().getOrDefault(type, List.of()));
    MethodHandle copy = CandidateClass.define(type, candidateBytes, keys).get(key);
    Replayer.Body run = (self, args) -> (Object) copy.invokeExact(self, args);
    return Replayer.replay(
        file,
        type.getClassLoader(),
        run,
        "the class loader of " + type.getName() + " does not see it",
        "the candidate patch of " + type.getName() + " (compiled, not installed)");
  }
}

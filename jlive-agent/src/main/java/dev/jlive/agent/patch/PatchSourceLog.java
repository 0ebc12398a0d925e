package dev.jlive.agent.patch;

import dev.jlive.protocol.patch.PatchRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The source text of this JVM's recent source patches, for {@code jlive ui PID}'s patch view, at
 * any state (a reverted patch still shows what it was). Bounded, since the agent lives in the
 * application's heap: the last {@link #MAX_PATCHES} source patches and at most {@link #MAX_CHARS}
 * characters of source in all; the oldest are dropped first. Patches of class files have no source
 * and are not kept.
 */
final class PatchSourceLog {
  static final int MAX_PATCHES = 20;
  static final int MAX_CHARS = 256 * 1024;

  private final Deque<Kept> kept = new ArrayDeque<>();
  private final int maxPatches;
  private final int maxChars;
  private int chars;

  private record Kept(String id, Map<String, Object> spec, int chars) {}

  PatchSourceLog() {
    this(MAX_PATCHES, MAX_CHARS);
  }

  PatchSourceLog(int maxPatches, int maxChars) {
    this.maxPatches = maxPatches;
    this.maxChars = maxChars;
  }

  /** Keeps the sources of patch {@code id}; nothing for a patch of class files only. */
  synchronized void add(String id, PatchRequest request) {
    List<Map<String, Object>> sources = new ArrayList<>();
    int size = 0;
    for (PatchRequest.Source source : request.sources()) {
      sources.add(source.toJson());
      size += source.code().length();
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    if (!sources.isEmpty()) {
      spec.put("sources", sources);
    }
    if (request.method() != null) {
      spec.put("method", request.method());
      spec.put("methodSource", request.methodSource());
      size += request.methodSource().length();
    }
    if (spec.isEmpty()) {
      return;
    }
    kept.addLast(new Kept(id, spec, size));
    chars += size;
    // The newest stays even when it alone is over the budget: it is the one a user looks at.
    while (kept.size() > 1 && (kept.size() > maxPatches || chars > maxChars)) {
      chars -= kept.removeFirst().chars();
    }
  }

  /** The kept patches, oldest first, each as {"id", "spec"} with the spec's source fields. */
  synchronized List<Map<String, Object>> toJson() {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Kept one : kept) {
      list.add(Map.of("id", one.id(), "spec", one.spec()));
    }
    return list;
  }
}

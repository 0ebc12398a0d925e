package dev.jlive.protocol.probe;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A probe in one JVM as {@code GET /v1/probes} lists it: its id and state, its spec, who added it
 * and when, what it counted, and where it is woven. On the wire the spec's fields sit on the same
 * level as the probe's own ({@code "selector"}, {@code "kind"}, ... next to {@code "hits"}).
 *
 * @param spec the probe spec as its JSON object, carried as is: the spec's own record validates it
 *     (dev.jlive.protocol.probe.ProbeSpec, connected at merge); read back, every field that is not
 *     the probe's own lands here
 * @param reason why a disabled probe turned itself off; null otherwise
 * @param lastFailure the last failure of the probe's own code or condition; null when none
 */
public record ProbeStatus(
    String id,
    ProbeState state,
    String reason,
    Map<String, Object> spec,
    String author,
    Instant createdAt,
    long hits,
    long emitted,
    long dropped,
    long sampledOut,
    long failures,
    String lastFailure,
    List<ClassReport> installedIn)
    implements JsonWritable {

  /** The probe's own fields; the spec's are all the others. */
  public static final Set<String> FIELDS =
      Set.of(
          "id",
          "state",
          "reason",
          "author",
          "createdAt",
          "hits",
          "emitted",
          "dropped",
          "sampledOut",
          "failures",
          "lastFailure",
          "installedIn");

  public ProbeStatus {
    // Kept in the spec's own order, which is the order users read in `--json` output.
    spec = JsonObject.create().putAll(spec).toMap();
    installedIn = List.copyOf(installedIn);
  }

  public static ProbeStatus fromWire(Object json) {
    return read(json, "the probe", Set.of());
  }

  /**
   * Reads a probe from an object that may carry more fields of its own ({@code besides}, read by
   * the caller): those and the probe's fields are taken out, the rest is the spec.
   */
  static ProbeStatus read(Object json, String what, Set<String> besides) {
    JsonObject own = JsonObject.create();
    JsonObject spec = JsonObject.create();
    StrictObject.of(json, what, Set.of()); // refuses anything but an object
    ((Map<?, ?>) json)
        .forEach(
            (key, value) -> {
              String name = String.valueOf(key);
              if (FIELDS.contains(name)) {
                own.put(name, value);
              } else if (!besides.contains(name)) {
                spec.put(name, value);
              }
            });
    StrictObject probe = StrictObject.tolerant(own.toMap(), what, FIELDS);
    List<ClassReport> installedIn = new ArrayList<>();
    for (StrictObject entry : probe.optionalObjects("installedIn", ClassReport.FIELDS)) {
      installedIn.add(ClassReport.read(entry));
    }
    return new ProbeStatus(
        probe.requireString("id", "\"p1\""),
        probe.requireEnum("state", ProbeState.class),
        probe.optionalString("reason"),
        spec.toMap(),
        probe.optionalString("author"),
        createdAt(probe),
        count(probe, "hits"),
        count(probe, "emitted"),
        count(probe, "dropped"),
        count(probe, "sampledOut"),
        count(probe, "failures"),
        probe.optionalString("lastFailure"),
        installedIn);
  }

  private static long count(StrictObject probe, String name) {
    return probe.optionalLong(name, 0, 0, Long.MAX_VALUE);
  }

  private static Instant createdAt(StrictObject probe) {
    String text = probe.optionalString("createdAt");
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          probe.what()
              + ": 'createdAt' must be an ISO-8601 instant, not "
              + (text.length() > 40 ? text.substring(0, 40) + "..." : text),
          "send e.g. {\"createdAt\": \"2026-01-01T10:00:00Z\"}");
    }
  }

  /**
   * A field of the spec, such as {@code "selector"} or {@code "kind"}; null when the spec has none.
   */
  public Object specField(String name) {
    return spec.get(name);
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("id", id)
        .put("state", state)
        .put("reason", reason)
        .putAll(spec)
        .put("author", author)
        .put("createdAt", createdAt == null ? null : createdAt.toString())
        .put("hits", hits)
        .put("emitted", emitted)
        .put("dropped", dropped)
        .put("sampledOut", sampledOut)
        .put("failures", failures)
        .put("lastFailure", lastFailure)
        .put("installedIn", installedIn)
        .toMap();
  }
}

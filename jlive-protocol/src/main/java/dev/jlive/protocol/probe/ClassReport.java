package dev.jlive.protocol.probe;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One class a probe is woven into (a probe's {@code installedIn}), or was to be woven into when it
 * was added (the add answer's {@code classes}, with a status and, when it failed, the error).
 *
 * @param loader the class loader as the agent describes it
 * @param methods the probed methods as the agent displays them
 * @param status null in {@code installedIn}, where every class is installed
 * @param error why weaving failed; null unless {@code status} is {@link Status#FAILED}
 */
public record ClassReport(
    String className, String loader, List<String> methods, Status status, String error)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("class", "loader", "methods", "status", "error");

  public enum Status {
    INSTALLED,
    FAILED
  }

  public ClassReport {
    methods = List.copyOf(methods);
  }

  /** A class the probe is woven into. */
  public static ClassReport installed(String className, String loader, List<String> methods) {
    return new ClassReport(className, loader, methods, null, null);
  }

  /** The same class with the outcome of weaving it: installed when {@code error} is null. */
  public ClassReport withOutcome(String failure) {
    return new ClassReport(
        className, loader, methods, failure == null ? Status.INSTALLED : Status.FAILED, failure);
  }

  static ClassReport read(StrictObject body) {
    return new ClassReport(
        body.requireString("class", "\"com.acme.Shop\""),
        body.optionalString("loader"),
        body.optionalStrings("methods"),
        body.optionalEnum("status", Status.class, null),
        body.optionalString("error"));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("class", className)
        .put("loader", loader)
        .put("methods", methods)
        .put("status", status)
        .put("error", error)
        .toMap();
  }
}

package dev.jlive.protocol.governance;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET} or {@code PUT /v1/policies[/{service}]}: the policy in force and where it comes from.
 *
 * @param service null for the default every service without its own policy gets
 * @param source {@code "service"} (set for this service), {@code "default"} (the default an admin
 *     set) or {@code "built-in"} (nobody set one)
 */
public record PolicyAnswer(String service, Policy policy, String source) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("service", "policy", "source");

  public static PolicyAnswer fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the policy answer", FIELDS);
    return new PolicyAnswer(
        body.optionalString("service"),
        Policy.read(body.requireNested("policy", "the policy", Policy.FIELDS), Policy.BUILT_IN),
        body.optionalString("source"));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("service", service)
        .put("policy", policy)
        .put("source", source)
        .toMap();
  }
}

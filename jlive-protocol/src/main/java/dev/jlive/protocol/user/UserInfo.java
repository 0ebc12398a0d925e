package dev.jlive.protocol.user;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A user as the controller shows it: name, grants, when it was created and when its token was last
 * made. Never the token nor its hash.
 */
public record UserInfo(String name, List<String> roles, String createdAt, String rotatedAt)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("name", "roles", "createdAt", "rotatedAt");

  public UserInfo {
    UserBody.checkedName(name);
    roles = List.copyOf(roles);
  }

  static UserInfo read(StrictObject body) {
    return new UserInfo(
        body.requireString("name", "\"alice\""),
        body.optionalStrings("roles"),
        body.optionalString("createdAt"),
        body.optionalString("rotatedAt"));
  }

  public static UserInfo fromWire(Object json) {
    return read(StrictObject.tolerant(json, "the user", FIELDS));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("name", name)
        .put("roles", roles)
        .put("createdAt", createdAt)
        .put("rotatedAt", rotatedAt)
        .toMap();
  }
}

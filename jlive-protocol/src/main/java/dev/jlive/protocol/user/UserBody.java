package dev.jlive.protocol.user;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/users}: a user to create, with its grants ({@code ROLE} or {@code ROLE@SERVICE}).
 * Read strictly: it comes from an engineer. The controller checks the grants.
 */
public record UserBody(String name, List<String> roles) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("name", "roles");

  public UserBody {
    name = checkedName(name);
    roles = List.copyOf(roles);
    if (roles.isEmpty()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "user " + name + " needs at least one role",
          "give --role ROLE or ROLE@SERVICE (viewer, prober, patcher, approver, admin, agent@SERVICE)");
    }
  }

  /** A user name: what fits a URL path segment and a ZooKeeper node name. */
  public static String checkedName(String name) {
    if (!FleetApi.isValidName(name)) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "'" + name + "' is not a user name",
          "use 1-63 letters, digits, '.', '_' and '-', starting with a letter or digit");
    }
    return name;
  }

  public static UserBody fromWire(Object json) {
    StrictObject body = StrictObject.of(json, "the user", FIELDS).rejectUnknown();
    return new UserBody(body.requireString("name", "\"alice\""), body.optionalStrings("roles"));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("name", name).put("roles", roles).toMap();
  }
}

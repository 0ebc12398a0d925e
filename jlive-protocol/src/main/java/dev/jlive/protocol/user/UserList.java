package dev.jlive.protocol.user;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code GET /v1/users}: {@code {"users": [...]}}, by name. */
public record UserList(List<UserInfo> users) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("users");

  public UserList {
    users = List.copyOf(users);
  }

  public static UserList fromWire(Object json) {
    List<UserInfo> users = new ArrayList<>();
    StrictObject.tolerant(json, "the user list", FIELDS)
        .optionalObjects("users", UserInfo.FIELDS)
        .forEach(user -> users.add(UserInfo.read(user)));
    return new UserList(users);
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("users", users).toMap();
  }
}

package dev.jlive.protocol.user;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * The answer to creating a user or rotating its token: the user and its new token, which the
 * controller shows this once (it keeps only a hash).
 */
public record UserToken(UserInfo user, String token) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("user", "token");

  public UserToken {
    if (user == null || token == null || token.isBlank()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "a user's token answer needs 'user' and 'token'",
          "is the controller of the same jlive version as this CLI?");
    }
  }

  public static UserToken fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the user's token", FIELDS);
    return new UserToken(
        UserInfo.read(body.requireNested("user", "the user", UserInfo.FIELDS)),
        body.requireString("token", "\"4f1c...\""));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("user", user).put("token", token).toMap();
  }
}

package dev.jlive.protocol.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserRecordsTest {

  @Test
  void aUserBodyIsReadStrictly() {
    assertThat(UserBody.fromWire(Map.of("name", "alice", "roles", List.of("patcher@web"))))
        .isEqualTo(new UserBody("alice", List.of("patcher@web")));
    assertThatThrownBy(() -> UserBody.fromWire(Map.of("name", "alice", "role", List.of("viewer"))))
        .isInstanceOf(JLiveException.class)
        .hasMessageContaining("unknown field 'role'")
        .satisfies(e -> assertThat(((JLiveException) e).hint()).contains("did you mean 'roles'"));
  }

  @Test
  void aNameMustFitAPathSegmentAndANodeName() {
    for (String bad : List.of("", "../admin", "a/b", "-x", "x".repeat(64))) {
      assertThatThrownBy(() -> new UserBody(bad, List.of("viewer")))
          .as(bad)
          .isInstanceOf(JLiveException.class)
          .hasMessageContaining("is not a user name");
    }
  }

  @Test
  void aUserNeedsARole() {
    assertThatThrownBy(() -> new UserBody("alice", List.of()))
        .isInstanceOf(JLiveException.class)
        .hasMessageContaining("needs at least one role");
  }

  @Test
  void aTokenAnswerAndAListRoundTrip() {
    UserInfo alice = new UserInfo("alice", List.of("viewer"), "2026-12-01T20:00:00Z", null);
    UserToken token = new UserToken(alice, "ab".repeat(32));
    assertThat(UserToken.fromWire(Json.parseObject(Json.write(token.toJson())))).isEqualTo(token);
    UserList list = new UserList(List.of(alice));
    assertThat(UserList.fromWire(Json.parseObject(Json.write(list.toJson())))).isEqualTo(list);
    assertThat(Json.write(list.toJson())).doesNotContain("token");
  }
}

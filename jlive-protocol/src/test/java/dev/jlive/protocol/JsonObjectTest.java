package dev.jlive.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonObjectTest {
  enum Colour {
    DARK_RED,
    BLUE
  }

  record Point(int x, Colour colour) implements JsonWritable {
    @Override
    public Map<String, Object> toJson() {
      return JsonObject.create().put("x", x).put("colour", colour).toMap();
    }
  }

  @Test
  void writesRecordsEnumsListsAndLeavesNullsOut() {
    Map<String, Object> json =
        JsonObject.create()
            .put("name", "a")
            .put("missing", null)
            .put("point", new Point(3, Colour.DARK_RED))
            .put("points", List.of(new Point(1, Colour.BLUE)))
            .putIf(false, "skipped", 1)
            .toMap();
    assertThat(Json.write(json))
        .isEqualTo(
            "{\"name\":\"a\",\"point\":{\"x\":3,\"colour\":\"dark_red\"},\"points\":[{\"x\":1,\"colour\":\"blue\"}]}");
  }

  @Test
  void readsEnumsByWireNameAndNamesTheChoicesOtherwise() {
    StrictObject body =
        new StrictObject(
            Map.of("colour", "dark_red", "bad", "green"), "the test body", Set.of("colour", "bad"));
    assertThat(body.requireEnum("colour", Colour.class)).isEqualTo(Colour.DARK_RED);
    assertThatThrownBy(() -> body.optionalEnum("bad", Colour.class, Colour.BLUE))
        .hasMessage("the test body: 'green' is not a valid bad")
        .extracting(e -> ((JLiveException) e).hint())
        .isEqualTo("choose dark_red, blue");
  }

  @Test
  void tolerantReadingIgnoresUnknownFieldsAndLogsEachOnce() {
    List<String> logged = new ArrayList<>();
    UnknownFields.forget();
    UnknownFields.logTo(logged::add);
    try {
      for (int i = 0; i < 3; i++) {
        StrictObject body =
            StrictObject.tolerant(
                Map.of("known", 1L, "fromTheFuture", true), "the sync body", Set.of("known"));
        assertThat(body.requireLong("known", 0, 10)).isEqualTo(1);
      }
      assertThat(logged)
          .containsExactly(
              "the sync body has a field this version does not know, ignored: 'fromTheFuture'"
                  + " (the peer is probably of a newer version)");
    } finally {
      UnknownFields.logTo(null);
    }
  }

  @Test
  void anUnknownFieldInEveryItemOfAListIsLoggedOnce() {
    List<String> logged = new ArrayList<>();
    UnknownFields.forget();
    UnknownFields.logTo(logged::add);
    try {
      StrictObject body =
          StrictObject.tolerant(
              Map.of(
                  "items",
                  List.of(
                      Map.of("a", 1L, "fromTheFuture", true),
                      Map.of("a", 2L, "fromTheFuture", true))),
              "the sync body",
              Set.of("items"));
      List<StrictObject> items = body.optionalObjects("items", Set.of("a"));
      assertThat(items).extracting(item -> item.requireLong("a", 0, 10)).containsExactly(1L, 2L);
      assertThat(logged)
          .containsExactly(
              "the sync body: items has a field this version does not know, ignored: 'fromTheFuture'"
                  + " (the peer is probably of a newer version)");
    } finally {
      UnknownFields.logTo(null);
    }
  }

  @Test
  void tolerantReadingStillChecksTypesAndRequiredFields() {
    StrictObject body =
        StrictObject.tolerant(Map.of("known", "1"), "the sync body", Set.of("known", "other"));
    assertThatThrownBy(() -> body.requireLong("known", 0, 10))
        .hasMessage(
            "the sync body: 'known' must be a whole number from 0 to 10, not the string \"1\"");
    assertThatThrownBy(() -> body.requireLong("other", 0, 10))
        .hasMessage("the sync body needs 'other'");
  }
}

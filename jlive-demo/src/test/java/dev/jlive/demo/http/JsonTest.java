package dev.jlive.demo.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void escapesWhatJsonRequires() {
    assertThat(Json.quote("a\"b\\c\nd\re\tf\u0001g/é"))
        .isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g/é\"");
  }

  @Test
  void buildsObjectsFieldByField() {
    String nested = new Json().field("n", 1).toString();

    String json =
        new Json()
            .field("id", "c1")
            .field("total", -5)
            .raw("lines", Json.array(List.of(nested, nested)))
            .toString();

    assertThat(json).isEqualTo("{\"id\":\"c1\",\"total\":-5,\"lines\":[{\"n\":1},{\"n\":1}]}");
    assertThat(new Json().toString()).isEqualTo("{}");
    assertThat(Json.array(List.of())).isEqualTo("[]");
  }
}

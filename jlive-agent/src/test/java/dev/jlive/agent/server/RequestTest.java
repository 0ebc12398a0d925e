package dev.jlive.agent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class RequestTest {

  private static Request withQuery(String rawQuery) {
    return new Request("GET", "/v1/classes", Request.parseQuery(rawQuery), Map.of(), "tester");
  }

  @ParameterizedTest
  @NullAndEmptySource
  void noQueryIsAnEmptyMap(String rawQuery) {
    assertThat(Request.parseQuery(rawQuery)).isEmpty();
  }

  @Test
  void decodesKeysAndValuesInOrder() {
    Map<String, String> query =
        Request.parseQuery("pattern=com.acme.%2A&limit=10&name=a+b%20c&caf%C3%A9=%E2%82%AC");

    assertThat(query)
        .containsExactly(
            Map.entry("pattern", "com.acme.*"),
            Map.entry("limit", "10"),
            Map.entry("name", "a b c"),
            Map.entry("café", "€"));
  }

  @Test
  void aPairWithoutEqualsHasAnEmptyValue() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("verbose", "");
    expected.put("limit", "5");
    expected.put("empty", "");

    assertThat(Request.parseQuery("verbose&limit=5&empty=")).isEqualTo(expected);
  }

  @Test
  void onlyTheFirstEqualsSplitsKeyFromValue() {
    assertThat(Request.parseQuery("expr=a%3Db=c")).containsExactly(Map.entry("expr", "a=b=c"));
  }

  @Test
  void aMalformedEscapeIsABadRequest() {
    JLiveException e =
        catchThrowableOfType(JLiveException.class, () -> Request.parseQuery("pattern=100%zz"));

    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
  }

  @Test
  void requireGivesThePresentValue() {
    assertThat(withQuery("pattern=com.acme.*").require("pattern", "a class pattern"))
        .isEqualTo("com.acme.*");
  }

  @Test
  void requireRejectsAMissingOrBlankParameterSayingWhatToGive() {
    for (String rawQuery : new String[] {"", "other=1", "pattern=", "pattern=%20%20"}) {
      JLiveException e =
          catchThrowableOfType(
              JLiveException.class,
              () -> withQuery(rawQuery).require("pattern", "a class name or pattern"));

      assertThat(e).as(rawQuery).isNotNull();
      assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
      assertThat(e.getMessage()).isEqualTo("missing query parameter 'pattern'");
      assertThat(e.hint()).isEqualTo("give a class name or pattern");
    }
  }

  @Test
  void optionalIsNullWhenMissingOrBlank() {
    Request request = withQuery("a=x&b=&c=%20");

    assertThat(request.optional("a")).isEqualTo("x");
    assertThat(request.optional("b")).isNull();
    assertThat(request.optional("c")).isNull();
    assertThat(request.optional("d")).isNull();
  }

  @Test
  void intParamParsesOrFallsBackToTheDefault() {
    Request request = withQuery("limit=25&negative=-3&blank=");

    assertThat(request.intParam("limit", 1000)).isEqualTo(25);
    assertThat(request.intParam("negative", 1000)).isEqualTo(-3);
    assertThat(request.intParam("blank", 1000)).isEqualTo(1000);
    assertThat(request.intParam("missing", 1000)).isEqualTo(1000);
  }

  @Test
  void intParamRejectsWhatIsNotAWholeNumber() {
    for (String value : new String[] {"ten", "1.5", "99999999999"}) {
      JLiveException e =
          catchThrowableOfType(
              JLiveException.class, () -> withQuery("limit=" + value).intParam("limit", 1000));

      assertThat(e).as(value).isNotNull();
      assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
      assertThat(e.getMessage()).isEqualTo("query parameter limit=" + value + " is not a number");
      assertThat(e.hint()).isEqualTo("give a whole number");
    }
  }
}

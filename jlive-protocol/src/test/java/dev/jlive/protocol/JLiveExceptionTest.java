package dev.jlive.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JLiveExceptionTest {

  @Test
  void toJsonNestsCodeMessageAndHintUnderError() {
    JLiveException e =
        new JLiveException(
            ErrorCode.CLASS_NOT_FOUND,
            "no class com.acme.Cart",
            "check the name with jlive classes");

    assertThat(Json.write(e.toJson()))
        .isEqualTo(
            "{\"error\":{\"code\":\"CLASS_NOT_FOUND\",\"message\":\"no class com.acme.Cart\",\"hint\":\"check the name with jlive classes\"}}");
  }

  @Test
  void survivesARoundTripThroughTheWire() {
    JLiveException sent =
        new JLiveException(ErrorCode.CONFLICT, "already \"patched\"\n twice", "revert first");

    JLiveException received = JLiveException.fromJson(Json.parseObject(Json.write(sent.toJson())));

    assertThat(received).isNotNull();
    assertThat(received.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(received.getMessage()).isEqualTo(sent.getMessage());
    assertThat(received.hint()).isEqualTo("revert first");
  }

  @Test
  void aNullHintIsEmptyOnBothSides() {
    JLiveException sent = new JLiveException(ErrorCode.BAD_REQUEST, "bad", null);

    assertThat(sent.hint()).isEmpty();
    JLiveException received = JLiveException.fromJson(Json.parseObject(Json.write(sent.toJson())));
    assertThat(received.hint()).isEmpty();
    assertThat(
            JLiveException.fromJson(
                    Map.of("error", Map.of("code", "BAD_REQUEST", "message", "bad")))
                .hint())
        .isEmpty();
  }

  @Test
  void anUnknownCodeBecomesAnInternalError() {
    JLiveException received =
        JLiveException.fromJson(
            Json.parseObject(
                "{\"error\": {\"code\": \"FROM_THE_FUTURE\", \"message\": \"m\", \"hint\": \"h\"}}"));

    assertThat(received.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
    assertThat(received.getMessage()).isEqualTo("m");
  }

  @Test
  void aBodyThatIsNotAnErrorGivesNull() {
    assertThat(JLiveException.fromJson(Json.parseObject("{\"pid\": 1, \"classes\": []}"))).isNull();
    assertThat(JLiveException.fromJson(Map.of())).isNull();
    assertThat(JLiveException.fromJson(Json.parseObject("{\"error\": \"just text\"}"))).isNull();
  }
}

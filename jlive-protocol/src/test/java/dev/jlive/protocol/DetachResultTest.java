package dev.jlive.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class DetachResultTest {
  @Test
  void roundTrips() {
    for (String json :
        new String[] {
          "{\"detached\":true}",
          "{\"detached\":true,\"pid\":4242}",
          "{\"detached\":true,\"pid\":-1}"
        }) {
      assertThat(Json.write(DetachResult.fromWire(Json.parse(json)).toJson())).isEqualTo(json);
    }
    assertThat(Json.write(DetachResult.ACCEPTED.toJson())).isEqualTo("{\"detached\":true}");
  }

  @Test
  void anAnswerThatDoesNotSayDetachedIsRefused() {
    JLiveException e =
        catchThrowableOfType(
            JLiveException.class, () -> DetachResult.fromWire(Json.parse("{\"detached\":false}")));
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.getMessage()).isEqualTo("the detach answer does not say 'detached': true");
  }
}

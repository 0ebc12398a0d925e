package dev.jlive.protocol.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 10: a probe request's fields have one type each; nothing is guessed, no typo ignored. */
class ProbeSpecStrictTest {

  private static JLiveException refused(String json) {
    JLiveException e =
        catchThrowableOfType(
            JLiveException.class, () -> ProbeSpec.fromJson(Json.parseObject(json)));
    assertThat(e).as(json).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    return e;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"allowSideEffects\": \"true\" | 'allowSideEffects' must be true or false, not the string \"true\"",
        "\"appLog\": \"false\"           | 'appLog' must be true or false, not the string \"false\"",
        "\"wait\": 1                     | 'wait' must be true or false, not the number 1",
        "\"maxHits\": \"10\"             | 'maxHits' must be a whole number from 0 to 9223372036854775807, not the string \"10\"",
        "\"sampleOneIn\": 2.5            | 'sampleOneIn' must be a whole number from 1 to 1000000000, not the number 2.5",
        "\"cpuPercent\": \"5\"           | 'cpuPercent' must be a number from 0.01 to 100.0, not the string \"5\"",
        "\"when\": true                  | 'when' must be a string, not true",
      })
  void aValueOfTheWrongTypeIsRefusedNamingTheField(String field, String message) {
    JLiveException e =
        refused(
            "{\"selector\": \"com.acme.Cart#add\", \"kind\": \"log\", \"template\": \"x\", "
                + field
                + "}");

    assertThat(e.getMessage()).isEqualTo("the probe request: " + message);
    assertThat(e.hint()).startsWith("send e.g. {\"");
  }

  @Test
  void aSelectorThatIsNotAStringIsRefused() {
    assertThat(refused("{\"selector\": [\"com.acme.Cart#add\"], \"kind\": \"count\"}").getMessage())
        .isEqualTo("the probe request: 'selector' must be a string, not an array");
    assertThat(refused("{\"kind\": \"count\"}").getMessage())
        .isEqualTo("the probe request needs 'selector'");
  }

  @Test
  void anUnknownFieldIsRefusedWithASuggestion() {
    JLiveException e =
        refused("{\"selector\": \"com.acme.Cart#add\", \"kind\": \"count\", \"maxhits\": 5}");

    assertThat(e.getMessage()).isEqualTo("the probe request has an unknown field 'maxhits'");
    assertThat(e.hint()).startsWith("did you mean 'maxHits'?");
  }

  @Test
  void realBooleansAndNumbersAreRead() {
    ProbeSpec spec =
        ProbeSpec.fromJson(
            Json.parseObject(
                "{\"selector\": \"com.acme.Cart#add\", \"kind\": \"log\", \"template\": \"x\","
                    + " \"appLog\": false, \"allowSideEffects\": true, \"wait\": true, \"maxHits\": 10, \"cpuPercent\": 2, \"ttlMillis\": 60000}"));

    assertThat(spec.appLog()).isFalse();
    assertThat(spec.allowSideEffects()).isTrue();
    assertThat(spec.waitForClass()).isTrue();
    assertThat(spec.maxHits()).isEqualTo(10);
    assertThat(spec.cpuPercent()).isEqualTo(2.0);
    assertThat(spec.timeToLive()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aSelectorOf200StarsIsRefusedBeforeAnyMatching() {
    long start = System.nanoTime();
    JLiveException e =
        refused("{\"selector\": \"" + "*".repeat(200) + "#*\", \"kind\": \"count\"}");

    assertThat(e.getMessage())
        .isEqualTo("the selector has 201 wildcards (* and ..); at most 16 are allowed");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200));
  }
}

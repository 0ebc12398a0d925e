package dev.jlive.protocol.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import org.junit.jupiter.api.Test;

/** Issue 10: {@code "dryRun": "true"} applied a patch for real; a typo was ignored. */
class PatchRequestStrictTest {
  private static final String SOURCES =
      "\"sources\": [{\"name\": \"Cart.java\", \"code\": \"class Cart {}\"}]";

  private static JLiveException refused(String json) {
    JLiveException e =
        catchThrowableOfType(
            JLiveException.class, () -> PatchRequest.fromJson(Json.parseObject(json)));
    assertThat(e).as(json).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    return e;
  }

  @Test
  void aStringDryRunIsRefusedNotApplied() {
    JLiveException e = refused("{" + SOURCES + ", \"dryRun\": \"true\"}");

    assertThat(e.getMessage())
        .isEqualTo("the patch request: 'dryRun' must be true or false, not the string \"true\"");
    assertThat(e.hint()).isEqualTo("send e.g. {\"dryRun\": true}");
  }

  @Test
  void aTypoOfDryRunIsRefusedWithTheRightName() {
    JLiveException e = refused("{" + SOURCES + ", \"dryrun\": true}");

    assertThat(e.getMessage()).isEqualTo("the patch request has an unknown field 'dryrun'");
    assertThat(e.hint()).startsWith("did you mean 'dryRun'?");
  }

  @Test
  void sourcesOfTheWrongShapeAreA400NotAClassCastException() {
    assertThat(refused("{\"sources\": [1]}").getMessage())
        .isEqualTo(
            "the patch request: 'sources' must be an array of objects; item 0 is the number 1");
    assertThat(refused("{\"sources\": \"Cart.java\"}").getMessage())
        .contains("'sources' must be an array of objects, not the string");
    assertThat(refused("{\"sources\": [{\"name\": \"Cart.java\"}]}").getMessage())
        .contains("needs 'code'");
    assertThat(
            refused("{\"sources\": [{\"name\": \"Cart.java\", \"code\": \"x\", \"cod\": 1}]}")
                .hint())
        .startsWith("did you mean 'code'?");
    assertThat(refused("{\"classFiles\": [7]}").getMessage())
        .contains("'classFiles' must be an array of strings");
    assertThat(refused("{" + SOURCES + ", \"timeoutMillis\": \"10s\"}").getMessage())
        .contains("'timeoutMillis' must be a whole number");
  }

  @Test
  void aRealDryRunIsRead() {
    assertThat(
            PatchRequest.fromJson(Json.parseObject("{" + SOURCES + ", \"dryRun\": true}")).dryRun())
        .isTrue();
    assertThat(PatchRequest.fromJson(Json.parseObject("{" + SOURCES + "}")).dryRun()).isFalse();
  }
}

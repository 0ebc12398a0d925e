package dev.jlive.protocol.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11: the patch request is one record, read and checked the same way by the CLI, the
 * controller and the agent.
 */
class PatchRequestTest {
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

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"sources\":[{\"name\":\"Cart.java\",\"code\":\"package com.acme; class Cart {}\"}],\"dryRun\":false}",
        "{\"classFiles\":[\"yv66vg==\"],\"loader\":\"app\",\"dryRun\":true,\"safepoint\":\"immediate\",\"timeoutMillis\":100}",
        "{\"method\":\"com.acme.Cart#total()\",\"methodSource\":\"long total() { return 0; }\",\"dryRun\":false,"
            + "\"checkClass\":\"com.acme.Idle\",\"also\":[\"com.acme.Cart#add\"]}",
        "{\"sources\":[{\"name\":\"Cart.java\",\"code\":\"x\"}],\"dryRun\":false,\"check\":\"true\"}",
      })
  void aRequestSurvivesARoundTrip(String json) {
    assertThat(Json.write(PatchRequest.fromJson(Json.parseObject(json)).toJson())).isEqualTo(json);
  }

  @Test
  void theBuilderMakesTheSameRequestAsTheJson() {
    PatchRequest built =
        PatchRequest.ofSources(
                List.of(new PatchRequest.Source("Cart.java", "package com.acme; class Cart {}")))
            .loader("app")
            .safepoint("quiescent")
            .timeout(Duration.ofSeconds(9))
            .also(List.of("a.B#c"))
            .build();

    assertThat(built.toJson())
        .isEqualTo(
            PatchRequest.fromJson(
                    Json.parseObject(
                        "{\"sources\": [{\"name\": \"Cart.java\", \"code\":"
                            + " \"package com.acme; class Cart {}\"}], \"loader\": \"app\", \"timeoutMillis\": 9000, \"also\": [\"a.B#c\"]}"))
                .toJson());
    assertThat(built.sources().get(0).className()).isEqualTo("com.acme.Cart");
    assertThat(built.immediate()).isFalse();
  }

  /** One case per rule of the record: the request, then the exact message. */
  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"sources\": [{\"name\": \"Cart.txt\", \"code\": \"x\"}]             | source Cart.txt is not a .java file",
        "\"classFiles\": [\"not base64!\"]                                       | a class file is not valid base64",
        "\"method\": \"a.B#c\"                                                   | a single-method patch needs both the method and its new source",
        "\"method\": \"a.B#c\", \"methodSource\": \"void c() {}\", "
            + "X        | give a method with --method-file, or class sources, or class files: one of them",
        "\"dryRun\": true                                                        | a patch needs Java sources or class files, not neither",
        "X, \"classFiles\": [\"yv66vg==\"]                                       | a patch needs Java sources or class files, not both",
        "\"method\": \"a.B\", \"methodSource\": \"void c() {}\"                  | 'a.B' is not a method selector: it needs CLASS#METHOD",
        "X, \"safepoint\": \"soon\"                                              | 'soon' is not a safe point",
        "X, \"timeoutMillis\": 0                                                 | the patch request: 'timeoutMillis' must be from 1 to 600000, not 0",
        "X, \"check\": \"true\", \"safepoint\": \"immediate\"                    | --check needs the quiescent safe point",
        "X, \"also\": [\"a.B#c\"], \"safepoint\": \"immediate\"                  | --also widens the quiescent safe point",
        "X, \"also\": [\"a.B\"]                                                  | 'a.B' is not a method selector: it needs CLASS#METHOD",
        "X, \"checkClass\": \"a.Idle\", \"check\": \"true\"                      | --check-class goes with the quiescent safe point and without --check",
        "X, \"checkClass\": \"a.Idle\", \"safepoint\": \"immediate\"             | --check-class goes with the quiescent safe point and without --check",
      })
  void eachRuleRefusesWithItsMessage(String fields, String message) {
    assertThat(refused("{" + fields.replace("X", SOURCES) + "}").getMessage()).isEqualTo(message);
  }

  @Test
  void theRecordChecksItsTimeoutWhenBuiltInCode() {
    JLiveException e =
        catchThrowableOfType(
            JLiveException.class,
            () ->
                PatchRequest.ofSources(List.of(new PatchRequest.Source("Cart.java", "x")))
                    .timeout(Duration.ofMinutes(11))
                    .build());
    assertThat(e.getMessage())
        .isEqualTo("the patch request: 'timeoutMillis' must be from 1 to 600000, not 660000");
    e =
        catchThrowableOfType(
            JLiveException.class,
            () -> PatchRequest.ofMethod("a.B#c", "void c() {}").safepoint("later"));
    assertThat(e.getMessage()).isEqualTo("'later' is not a safe point");
  }
}

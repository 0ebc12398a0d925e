package dev.jlive.protocol.probe;

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
 * Issue 11: the probe request is one record, read and checked the same way by the CLI, the
 * controller and the agent.
 */
class ProbeSpecTest {

  private static JLiveException refused(String json) {
    JLiveException e =
        catchThrowableOfType(
            JLiveException.class, () -> ProbeSpec.fromJson(Json.parseObject(json)));
    assertThat(e).as(json).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    return e;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"selector\":\"com.acme.Cart#add\",\"kind\":\"count\"}",
        "{\"selector\":\"com.acme.Cart#add\",\"kind\":\"metrics\",\"timeOneIn\":1}",
        "{\"selector\":\"com.acme..*Service#handle*\",\"kind\":\"log\",\"template\":\"qty={quantity}\",\"at\":\"exit\",\"sampleOneIn\":100,"
            + "\"ratePerSecond\":5,\"maxHits\":1000,\"ttlMillis\":30000,\"cpuPercent\":2.5,\"wait\":true,\"appLog\":false,"
            + "\"when\":\"quantity > 1\",\"allowJdk\":true,\"allowSideEffects\":true}",
        "{\"selector\":\"com.acme.Cart#add(int,java.lang.String)\",\"kind\":\"capture\",\"line\":42}",
        "{\"selector\":\"com.acme.Cart#add(ILjava/lang/String;)V\",\"kind\":\"callers\"}",
      })
  void aRequestSurvivesARoundTrip(String json) {
    assertThat(Json.write(ProbeSpec.fromJson(Json.parseObject(json)).toJson())).isEqualTo(json);
  }

  @Test
  void theEffectiveFormShowsEveryBudgetAndReadsBackAsTheSameSpec() {
    ProbeSpec line =
        ProbeSpec.fromJson(
            Json.parseObject("{\"selector\": \"a.B#c\", \"kind\": \"count\", \"line\": 7}"));
    ProbeSpec metrics =
        ProbeSpec.fromJson(Json.parseObject("{\"selector\": \"a.B#c\", \"kind\": \"metrics\"}"));

    assertThat(Json.write(metrics.effectiveJson()))
        .isEqualTo(
            "{\"selector\":\"a.B#c\",\"kind\":\"metrics\",\"at\":\"entry\","
                + "\"sampleOneIn\":1,\"ratePerSecond\":100,\"maxHits\":0,\"ttlMillis\":3600000,\"cpuPercent\":5.0,\"timeOneIn\":8}");
    assertThat(ProbeSpec.fromJson(Json.parseObject(Json.write(line.effectiveJson()))))
        .isEqualTo(line);
    assertThat(ProbeSpec.fromJson(Json.parseObject(Json.write(metrics.effectiveJson()))))
        .isEqualTo(metrics);
    assertThat(line.point()).isEqualTo(ProbeSpec.Point.LINE);
  }

  @Test
  void theBuilderMakesTheSameSpecAsTheJson() {
    ProbeSpec built =
        ProbeSpec.builder("com.acme.Cart#add", ProbeSpec.Kind.LOG)
            .template("x={x}")
            .at(ProbeSpec.Point.EXIT)
            .sampleOneIn(10)
            .timeToLive(Duration.ofMinutes(10))
            .appLog(false)
            .build();

    assertThat(built)
        .isEqualTo(
            ProbeSpec.fromJson(
                Json.parseObject(
                    "{\"selector\": \"com.acme.Cart#add\", \"kind\": \"log\","
                        + " \"template\": \"x={x}\", \"at\": \"exit\", \"sampleOneIn\": 10, \"ttlMillis\": 600000, \"appLog\": false}")));
    assertThat(ProbeSpec.builder("a.B#c", ProbeSpec.Kind.METRICS).build().timeOneIn())
        .isEqualTo(ProbeSpec.DEFAULT_TIME_ONE_IN);
    assertThat(ProbeSpec.builder("a.B#c", ProbeSpec.Kind.COUNT).when("  ").build().when()).isNull();
  }

  /** One case per rule of the record: the request, then the exact message. */
  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"kind\": \"log\"                                       | a log probe needs a message template",
        "\"kind\": \"log\", \"template\": \" \"                  | a log probe needs a message template",
        "\"kind\": \"count\", \"template\": \"x\"                | only log probes take a message template",
        "\"kind\": \"metrics\", \"at\": \"exit\"                 | metrics probes cover whole calls; --at does not apply",
        "\"kind\": \"count\", \"at\": \"exception\"              | count probes cover whole calls; --at does not apply",
        "\"kind\": \"callers\", \"at\": \"exit\"                 | callers probes cover whole calls; --at does not apply",
        "\"kind\": \"count\", \"when\": \"x > 1\"                | --when applies to log and capture probes",
        "\"kind\": \"count\", \"timeOneIn\": 4                   | only metrics probes time calls; timeOneIn does not apply",
        "\"kind\": \"capture\", \"line\": 3, \"at\": \"exit\"    | a line probe acts before its line; --at does not apply",
        "\"kind\": \"metrics\", \"line\": 3                      | line probes can log, capture or count",
        "\"kind\": \"count\", \"line\": 3, \"wait\": true        | a line probe needs its class loaded, to read its line and variable tables",
        "\"kind\": \"capture\", \"at\": \"line\"                 | a probe at a line needs the line's number",
        "\"kind\": \"count\", \"sampleOneIn\": 0                 | the probe request: 'sampleOneIn' must be from 1 to 1000000000, not 0",
        "\"kind\": \"count\", \"ratePerSecond\": 1000001         | the probe request: 'ratePerSecond' must be from 1 to 1000000, not 1000001",
        "\"kind\": \"count\", \"maxHits\": -1                    | the probe request: 'maxHits' must be from 0 to 9223372036854775807, not -1",
        "\"kind\": \"count\", \"ttlMillis\": 0                   | the probe request: 'ttlMillis' must be from 1 to 2592000000, not 0",
        "\"kind\": \"count\", \"cpuPercent\": 0                  | the probe request: 'cpuPercent' must be from 0.01 to 100.0, not 0",
        "\"kind\": \"metrics\", \"timeOneIn\": 0                 | the probe request: 'timeOneIn' must be from 1 to 1000000, not 0",
        "\"kind\": \"count\", \"line\": 0                        | the probe request: 'line' must be from 1 to 2147483647, not 0",
        "\"kind\": \"counts\"                                    | the probe request: 'counts' is not a valid kind",
        "\"kind\": \"log\", \"template\": \"x\", \"at\": \"exitt\" | the probe request: 'exitt' is not a valid at",
        "\"at\": \"exit\"                                        | the probe request needs 'kind'",
      })
  void eachRuleRefusesWithItsMessage(String fields, String message) {
    assertThat(refused("{\"selector\": \"com.acme.Cart#add\", " + fields + "}").getMessage())
        .isEqualTo(message);
  }

  @Test
  void aCapturesDepthAndSizeTravelAndOnlyCapturesTakeThem() {
    ProbeSpec capture =
        ProbeSpec.fromJson(
            Json.parseObject(
                "{\"selector\": \"a.B#c\", \"kind\": \"capture\", \"depth\": 1,"
                    + " \"maxSize\": 1000}"));
    assertThat(capture.captureDepth()).isEqualTo(1);
    assertThat(capture.captureMaxChars()).isEqualTo(1000);
    assertThat(ProbeSpec.fromJson(capture.toJson())).isEqualTo(capture);
    assertThat(capture.effectiveJson()).containsEntry("depth", 1).containsEntry("maxSize", 1000);
    assertThat(ProbeSpec.builder("a.B#c", ProbeSpec.Kind.CAPTURE).build().toJson())
        .doesNotContainKeys("depth", "maxSize");

    JLiveException onACount =
        catchThrowableOfType(
            JLiveException.class,
            () -> ProbeSpec.builder("a.B#c", ProbeSpec.Kind.COUNT).captureDepth(1).build());
    assertThat(onACount.getMessage())
        .isEqualTo(
            "depth and maxSize bound what a capture probe shows; a count probe shows no values");
    JLiveException tooDeep =
        catchThrowableOfType(
            JLiveException.class,
            () -> ProbeSpec.builder("a.B#c", ProbeSpec.Kind.CAPTURE).captureDepth(9).build());
    assertThat(tooDeep.getMessage())
        .isEqualTo("the probe request: 'depth' must be from 0 to 8, not 9");
  }

  @Test
  void aTracesDepthTravelsAndOnlyTracesTakeIt() {
    ProbeSpec trace =
        ProbeSpec.fromJson(
            Json.parseObject("{\"selector\": \"a.B#c\", \"kind\": \"trace\", \"traceDepth\": 3}"));
    assertThat(trace.traceDepth()).isEqualTo(3);
    assertThat(ProbeSpec.fromJson(trace.toJson())).isEqualTo(trace);
    assertThat(trace.effectiveJson()).containsEntry("traceDepth", 3);
    assertThat(ProbeSpec.builder("a.B#c", ProbeSpec.Kind.TRACE).build().toJson())
        .doesNotContainKey("traceDepth");

    JLiveException onLines =
        catchThrowableOfType(
            JLiveException.class,
            () -> ProbeSpec.builder("a.B#c", ProbeSpec.Kind.LINES).traceDepth(2).build());
    assertThat(onLines.getMessage())
        .isEqualTo("traceDepth is how deep a trace follows calls; a lines probe traces none");
    JLiveException tooDeep =
        catchThrowableOfType(
            JLiveException.class,
            () -> ProbeSpec.builder("a.B#c", ProbeSpec.Kind.TRACE).traceDepth(5).build());
    assertThat(tooDeep.getMessage())
        .isEqualTo("the probe request: 'traceDepth' must be from 1 to 4, not 5");
  }

  @Test
  void theRecordChecksItsRangesWhenBuiltInCode() {
    JLiveException e =
        catchThrowableOfType(
            JLiveException.class,
            () -> ProbeSpec.builder("a.B#c", ProbeSpec.Kind.COUNT).ratePerSecond(0).build());
    assertThat(e.getMessage())
        .isEqualTo("the probe request: 'ratePerSecond' must be from 1 to 1000000, not 0");
    e =
        catchThrowableOfType(
            JLiveException.class,
            () ->
                ProbeSpec.builder("a.B#c", ProbeSpec.Kind.COUNT)
                    .timeToLive(Duration.ofDays(31))
                    .build());
    assertThat(e.getMessage())
        .isEqualTo("the probe request: 'ttlMillis' must be from 1 to 2592000000, not 2678400000");
    e =
        catchThrowableOfType(
            JLiveException.class,
            () -> ProbeSpec.builder("a.B#c", ProbeSpec.Kind.COUNT).cpuPercent(101).build());
    assertThat(e.getMessage())
        .isEqualTo("the probe request: 'cpuPercent' must be from 0.01 to 100.0, not 101.0");
    e =
        catchThrowableOfType(
            JLiveException.class,
            () -> ProbeSpec.builder("a.B#c", ProbeSpec.Kind.COUNT).timeOneIn(4).build());
    assertThat(e.getMessage())
        .isEqualTo("only metrics probes time calls; timeOneIn does not apply");
    e =
        catchThrowableOfType(
            JLiveException.class,
            () -> ProbeSpec.builder("a.B#c", ProbeSpec.Kind.COUNT).line(-1).build());
    assertThat(e.getMessage())
        .isEqualTo("the probe request: 'line' must be from 1 to 2147483647, not -1");
    e =
        catchThrowableOfType(
            JLiveException.class,
            () ->
                new ProbeSpec(
                    null,
                    ProbeSpec.Kind.COUNT,
                    null,
                    null,
                    1,
                    1,
                    0,
                    Duration.ofHours(1),
                    5,
                    false,
                    true,
                    null,
                    false,
                    0,
                    0,
                    false,
                    ProbeSpec.DEFAULT_CAPTURE_DEPTH,
                    ProbeSpec.DEFAULT_CAPTURE_MAX_CHARS,
                    1));
    assertThat(e.getMessage()).isEqualTo("the probe request needs 'selector'");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "com.acme.Cart           | 'com.acme.Cart' is not a method selector: it needs CLASS#METHOD",
        "com.acme.Cart#a-b       | 'com.acme.Cart#a-b' is not a method selector: 'a-b' is not a method name or pattern",
        "com.acme.Cart#add(int   | 'com.acme.Cart#add(int' is not a method selector: the parameter list is not closed",
        "com.acme.Cart#add(i-t)  | 'com.acme.Cart#add(i-t)' is not a method selector: 'i-t' is not a Java type",
        "com..com...X#add        | 'com..com...X' is not a class name pattern",
      })
  void aBadSelectorIsRefusedBeforeAnythingElse(String selector, String message) {
    assertThat(refused("{\"selector\": \"" + selector + "\", \"kind\": \"count\"}").getMessage())
        .isEqualTo(message);
    JLiveException e =
        catchThrowableOfType(
            JLiveException.class, () -> ProbeSpec.builder(selector, ProbeSpec.Kind.COUNT));
    assertThat(e.getMessage()).isEqualTo(message);
  }

  @Test
  void theControllerNamesTheSpecItsOwnWay() {
    JLiveException e =
        catchThrowableOfType(
            JLiveException.class,
            () ->
                ProbeSpec.fromJson(
                    Json.parseObject(
                        "{\"selector\": \"a.B#c\", \"kind\": \"count\", \"wiat\": true}"),
                    "the probe spec"));
    assertThat(e.getMessage()).isEqualTo("the probe spec has an unknown field 'wiat'");
  }

  @Test
  void aSelectorMatchesByNameDescriptorAndParameterTypes() {
    MethodSelector byTypes = MethodSelector.parse("com.acme.Cart#add(int,String)");
    assertThat(
            byTypes.matches(
                "add", "(ILjava/lang/String;)V", () -> List.of("int", "java.lang.String")))
        .isTrue();
    assertThat(byTypes.matches("add", "(IJ)V", () -> List.of("int", "long"))).isFalse();
    MethodSelector byDescriptor = MethodSelector.parse("com.acme.Cart#add(IJ)V");
    assertThat(
            byDescriptor.matches(
                "add",
                "(IJ)V",
                () -> {
                  throw new AssertionError("not asked");
                }))
        .isTrue();
    assertThat(MethodSelector.parse("com.acme.Cart#<init>").matches("<init>", "()V", List::of))
        .isTrue();
    assertThat(MethodSelector.parse("com.acme.Cart#handle*").matches("handleAll", "()V", List::of))
        .isTrue();
  }
}

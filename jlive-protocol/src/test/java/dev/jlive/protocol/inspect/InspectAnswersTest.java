package dev.jlive.protocol.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class InspectAnswersTest {
  private static final String JVM =
      "{\"pid\":42,\"mainClass\":\"com.acme.Main\",\"vmName\":\"OpenJDK 64-Bit Server VM\","
          + "\"vmVendor\":\"Eclipse Adoptium\",\"javaVersion\":\"17.0.9\",\"javaHome\":\"/opt/jdk\",\"featureVersion\":17,"
          + "\"uptimeMillis\":1234,\"startTime\":1700000000000,\"processors\":2,\"heapUsedBytes\":1048576,\"heapMaxBytes\":-1,"
          + "\"inputArguments\":[\"-Xmx1g\"],\"redefineClassesSupported\":true,\"retransformClassesSupported\":true}";

  /** JSON text -> record -> JSON text: the same text. */
  private static void roundTrips(String json, Function<Object, ?> reader) {
    Object record = reader.apply(Json.parse(json));
    assertThat(Json.write(((dev.jlive.protocol.JsonWritable) record).toJson())).isEqualTo(json);
  }

  private static JLiveException refused(ThrowingCallable call) {
    JLiveException e = catchThrowableOfType(JLiveException.class, call);
    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    return e;
  }

  @Test
  void runtimeInfoRoundTrips() {
    roundTrips(
        "{\"jvm\":"
            + JVM
            + ",\"agent\":{\"version\":\"0.1.0\",\"mode\":\"agentmain\",\"startedAt\":\"2026-12-01T17:45:03.123Z\","
            + "\"activeChanges\":2,\"probeSlots\":3,\"probeSlotsInUse\":1}}",
        RuntimeInfo::fromWire);
    roundTrips(
        "{\"jvm\":"
            + JVM
            + ",\"agent\":{\"version\":\"0.1.0\",\"mode\":\"premain\",\"startedAt\":\"2026-12-01T17:45:03Z\","
            + "\"activeChanges\":0,\"controller\":{\"url\":\"http://c:7070\",\"service\":\"shop\",\"labels\":{\"zone\":\"eu\"},"
            + "\"connected\":true}}}",
        RuntimeInfo::fromWire);
  }

  @Test
  void aRuntimeInfoNeedsTheJvmAndTheAgent() {
    assertThat(refused(() -> new RuntimeInfo(null, null)).getMessage())
        .isEqualTo("the info answer needs both 'jvm' and 'agent'");
    assertThat(
            refused(() -> RuntimeInfo.fromWire(Json.parse("{\"jvm\":" + JVM + "}"))).getMessage())
        .isEqualTo("the info answer needs 'agent'");
  }

  @Test
  void theJvmsPidIsPositive() {
    assertThat(
            refused(
                    () ->
                        new RuntimeInfo.Jvm(
                            0, "m", "vm", "v", "17", "/j", 17, 0, 0, 1, 0, -1, List.of(), true,
                            true))
                .getMessage())
        .isEqualTo("the JVM's 'pid' must be positive, not 0");
  }

  @Test
  void theAgentsActiveChangesAreNotNegative() {
    assertThat(
            refused(() -> new RuntimeInfo.Agent("0.1.0", "premain", Instant.EPOCH, -1, 0, 0, null))
                .getMessage())
        .isEqualTo("the agent's 'activeChanges' must not be negative, not -1");
  }

  @Test
  void aControllerStatusWithNullsKeepsTheOthers() {
    Map<String, Object> status = new java.util.HashMap<>();
    status.put("process", null);
    status.put("connected", false);
    assertThat(
            new RuntimeInfo.Agent("0.1.0", "premain", Instant.EPOCH, 0, 0, 0, status).controller())
        .isEqualTo(Map.of("connected", false));
  }

  @Test
  void aStartTimeThatIsNoInstantIsNamed() {
    String json =
        "{\"jvm\":" + JVM + ",\"agent\":{\"version\":\"0.1.0\",\"startedAt\":\"yesterday\"}}";
    assertThat(refused(() -> RuntimeInfo.fromWire(Json.parse(json))).getMessage())
        .isEqualTo(
            "the info answer's agent: 'startedAt' must be an ISO-8601 instant, not the string \"yesterday\"");
  }

  @Test
  void threadListRoundTrips() {
    roundTrips(
        "{\"virtualThreadsNote\":\"-Djdk.trackAllThreads=false: virtual threads outside thread containers are not listed\","
            + "\"threads\":[{\"id\":1,\"name\":\"main\",\"state\":\"BLOCKED\",\"daemon\":false,\"virtual\":false,"
            + "\"waitingOn\":\"java.lang.Object@1b6d3586\",\"lockOwner\":\"worker-1\",\"stack\":[\"com.acme.Cache.get(Cache.java:12)\","
            + "\"  - locked java.lang.Object@4554617c\"]},{\"id\":77,\"name\":\"\",\"state\":\"UNKNOWN\",\"daemon\":true,\"virtual\":true,"
            + "\"stack\":[]}]}",
        ThreadList::fromWire);
    roundTrips("{\"threads\":[]}", ThreadList::fromWire);
  }

  @Test
  void aLockOwnerComesWithTheLock() {
    assertThat(
            refused(
                    () ->
                        new ThreadSnapshot(
                            5, "t", "BLOCKED", false, false, null, "other", List.of()))
                .getMessage())
        .isEqualTo("thread #5 has a 'lockOwner' but no 'waitingOn'");
  }

  @Test
  void aVirtualThreadsNoteIsNotBlank() {
    assertThat(refused(() -> new ThreadList(List.of(), " ")).getMessage())
        .isEqualTo("the thread list's 'virtualThreadsNote' is blank");
  }

  @Test
  void threadKindsAreReadByWireName() {
    assertThat(ThreadKind.parse(null)).isEqualTo(ThreadKind.ALL);
    assertThat(ThreadKind.parse("virtual")).isEqualTo(ThreadKind.VIRTUAL);
    JLiveException e = refused(() -> ThreadKind.parse("green"));
    assertThat(e.getMessage()).isEqualTo("unknown kind of thread 'green'");
    assertThat(e.hint()).isEqualTo("use one of [all, platform, virtual]");
  }

  @Test
  void classListRoundTrips() {
    roundTrips(
        "{\"pattern\":\"com.acme.*\",\"total\":3,\"truncated\":true,\"classes\":[{\"name\":\"com.acme.Cart\",\"loader\":\"app\","
            + "\"kind\":\"abstract class\",\"source\":\"file:/app.jar\"},{\"name\":\"com.acme.Shop\",\"loader\":\"app\",\"kind\":\"record\","
            + "\"source\":\"\"}]}",
        ClassList::fromWire);
  }

  @Test
  void aClassListCountsAtLeastWhatItLists() {
    LoadedClass cart = new LoadedClass("com.acme.Cart", "app", "class", "");
    assertThat(refused(() -> new ClassList("com.acme.*", 0, false, List.of(cart))).getMessage())
        .isEqualTo("the class list's 'total' (0) is less than the 1 classes it lists");
  }

  @Test
  void aLoadedClassHasAName() {
    assertThat(refused(() -> new LoadedClass(" ", "app", "class", "")).getMessage())
        .isEqualTo("a loaded class has a blank 'name'");
  }

  @Test
  void methodListRoundTrips() {
    roundTrips(
        "{\"classes\":[{\"name\":\"com.acme.Cart\",\"loader\":\"app\",\"methods\":[{\"name\":\"<init>\",\"signature\":\"Cart()\","
            + "\"descriptor\":\"()V\",\"modifiers\":\"\",\"synthetic\":false},{\"name\":\"total\",\"signature\":\"long total(java.util.List)\","
            + "\"descriptor\":\"(Ljava/util/List;)J\",\"modifiers\":\"public static\",\"synthetic\":true}]}]}",
        MethodList::fromWire);
  }

  @Test
  void aMethodListNamesAClass() {
    assertThat(refused(() -> new MethodList(List.of())).getMessage())
        .isEqualTo("the method list names no class");
  }

  @Test
  void aClassOfAMethodListNamesItsLoader() {
    assertThat(refused(() -> new ClassMethods("com.acme.Cart", "", List.of())).getMessage())
        .isEqualTo("class com.acme.Cart has a blank 'loader'");
  }

  @Test
  void aMethodHasAJvmDescriptor() {
    assertThat(refused(() -> new MethodInfo("total", "long total()", "J", "", false)).getMessage())
        .isEqualTo("method total: 'J' is not a JVM method descriptor");
  }

  @Test
  void bytecodeDigestRoundTrips() {
    roundTrips(
        "{\"class\":\"com.acme.Cart\",\"loader\":\"app\",\"size\":1234,"
            + "\"sha256\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"}",
        BytecodeDigest::fromWire);
  }

  @Test
  void aBytecodeDigestIsAWholeSha256() {
    assertThat(refused(() -> new BytecodeDigest("com.acme.Cart", "app", 1, "9f86")).getMessage())
        .isEqualTo(
            "the bytecode digest of com.acme.Cart: 'sha256' must be 64 lower-case hex digits");
  }

  @Test
  void answersFromANewerAgentKeepWhatThisVersionKnows() {
    ClassList list =
        ClassList.fromWire(
            Json.parse("{\"pattern\":\"a.*\",\"total\":0,\"classes\":[],\"fromTheFuture\":1}"));
    assertThat(list.total()).isZero();
    assertThat(
            refused(() -> ClassList.fromWire(Json.parse("{\"pattern\":\"a.*\",\"total\":\"0\"}")))
                .getMessage())
        .isEqualTo(
            "the class list: 'total' must be a whole number from 0 to 9223372036854775807, not the string \"0\"");
  }
}

package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.it.apps.SideEffectsApp;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code jlive check} on a real JVM (17 and 25), started with the agent: a method that writes a
 * field, one that takes a lock and one that does I/O are refused, each reason naming the
 * instruction and its line; the controls, methods of the same class that compute, fill an array of
 * their own or build a string, pass, so a refusal is the instruction's doing and not the harness's.
 */
@SuppressWarnings("unchecked")
class SideEffectCheckTest {
  private static final String TILL = SideEffectsApp.Till.class.getName();
  private static TargetJvm java17;
  private static TargetJvm java25;

  @BeforeAll
  static void start() throws Exception {
    java17 = TargetJvm.on(Jdk.JAVA_17).javaagent("").main(SideEffectsApp.class).start();
    java25 = TargetJvm.on(Jdk.JAVA_25).javaagent("").main(SideEffectsApp.class).start();
    for (TargetJvm app : List.of(java17, java25)) {
      assertThat(app.ask("run", "run done")).contains("price=1080");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    java17.close();
    java25.close();
  }

  private static String pid(Jdk jdk) {
    return Long.toString((jdk == Jdk.JAVA_17 ? java17 : java25).pid());
  }

  private static CliRun check(Jdk jdk, String method) {
    return jlive("check", pid(jdk), TILL + "#" + method);
  }

  @ParameterizedTest
  @EnumSource(names = {"JAVA_17", "JAVA_25"})
  void eachEffectIsRefusedNamingTheInstructionAndLine(Jdk jdk) {
    CliRun write = check(jdk, "add");
    assertThat(write.exitCode()).as(write.toString()).isEqualTo(11);
    assertThat(write.stdout())
        .contains(TILL + ".add(long): NOT repeatable")
        .contains("writes field SideEffectsApp$Till.total at SideEffectsApp.java:50");

    CliRun lock = check(jdk, "lockedTotal");
    assertThat(lock.exitCode()).as(lock.toString()).isEqualTo(11);
    assertThat(lock.stdout())
        .contains("takes the lock of SideEffectsApp$Till.lock at SideEffectsApp.java:54");

    CliRun io = check(jdk, "audit");
    assertThat(io.exitCode()).as(io.toString()).isEqualTo(11);
    assertThat(io.stdout())
        .contains("calls java.io.FileOutputStream.<init> (I/O) at SideEffectsApp.java:60")
        .contains("calls java.io.FileOutputStream.write (I/O) at SideEffectsApp.java:61");
  }

  @ParameterizedTest
  @EnumSource(names = {"JAVA_17", "JAVA_25"})
  void computingFillingItsOwnArrayAndListedJdkCallsPass(Jdk jdk) {
    for (String method : List.of("price", "squares", "label")) {
      CliRun run = check(jdk, method);
      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.stdout()).contains(": repeatable (changes nothing it did not create)");
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"JAVA_17", "JAVA_25"})
  void aTransitiveWriteIsFoundWithItsPath(Jdk jdk) {
    CliRun run = jlive("check", pid(jdk), TILL + "#priceAndCount", "--json");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(11);
    Map<String, Object> verdict =
        (Map<String, Object>) ((List<Object>) run.json().get("verdicts")).get(0);
    assertThat(verdict.get("repeatable")).isEqualTo(false);
    Map<String, Object> finding =
        (Map<String, Object>) ((List<Object>) verdict.get("findings")).get(0);
    assertThat(finding.get("what")).isEqualTo("writes static field SideEffectsApp$Till.calls");
    assertThat(((Number) finding.get("line")).intValue()).isEqualTo(83);
    assertThat((List<Object>) finding.get("via"))
        .containsExactly("SideEffectsApp$Till.count() called at SideEffectsApp.java:78");
  }

  @ParameterizedTest
  @EnumSource(names = {"JAVA_17"})
  void anUnknownMethodIsAClearError(Jdk jdk) {
    CliRun run = check(jdk, "nothing");
    assertThat(run.exitCode()).isEqualTo(8);
    assertThat(run.stderr()).contains("declares no method named nothing").contains("jlive methods");
  }
}

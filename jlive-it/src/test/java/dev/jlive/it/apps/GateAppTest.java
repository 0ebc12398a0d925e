package dev.jlive.it.apps;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How {@link GateApp} tallies a result; the safe-point tests' verdicts rest on it. */
class GateAppTest {
  private static final String ARGUMENTS = "g|null|7|7000000000|0.5|true";

  @Test
  void aCallOfOneVersionIsThatVersion() {
    assertThat(GateApp.kindOf("v1v1|g|null|7|7000000000|0.5|true", ARGUMENTS)).isEqualTo("v1v1");
    assertThat(GateApp.kindOf("v2v2;g;null;7;7000000000;0.5;true", ARGUMENTS)).isEqualTo("v2v2");
  }

  @Test
  void halvesOfTwoVersionsAreMixed() {
    assertThat(GateApp.kindOf("v1v2;g;null;7;7000000000;0.5;true", ARGUMENTS)).isEqualTo("mixed");
    assertThat(GateApp.kindOf("v2v1|g|null|7|7000000000|0.5|true", ARGUMENTS)).isEqualTo("mixed");
  }

  /**
   * Seen in CI under --safepoint immediate: two old halves joined by the new body's separator, from
   * a frame that went on in the new constant pool.
   */
  @Test
  void oldHalvesJoinedByTheNewSeparatorAreMixed() {
    assertThat(GateApp.kindOf("v1v1;g;null;7;7000000000;0.5;true", ARGUMENTS)).isEqualTo("mixed");
    assertThat(GateApp.kindOf("v2v2|g|null|7|7000000000|0.5|true", ARGUMENTS)).isEqualTo("mixed");
  }

  @Test
  void lostOrAlteredArgumentsAreWrongWhateverTheVersion() {
    assertThat(GateApp.kindOf("v1v1|g|7|7000000000|0.5|true", ARGUMENTS)).startsWith("wrong:");
    assertThat(GateApp.kindOf("v2v2;g;x;7;7000000000;0.5;true", ARGUMENTS)).startsWith("wrong:");
    assertThat(GateApp.kindOf("v3v1|g|null|7|7000000000|0.5|true", ARGUMENTS)).startsWith("wrong:");
    assertThat(GateApp.kindOf("v1", ARGUMENTS)).startsWith("wrong:");
  }
}

package dev.jlive.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.probe.MethodSelector;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A probe the JVM would not take says what failed and what to do, never only "see the log". */
class ProbeRefusalTest {
  private static final MethodSelector SELECTOR = MethodSelector.parse("com.acme.Cart#total");

  @Test
  void aVerifyErrorSaysTheProbeWasRefusedAndWhatToDoInstead() {
    JLiveException refused =
        ProbeTargets.notInstalled(
            SELECTOR,
            Map.of(
                String.class,
                "the JVM rejected the new bytes: java.lang.VerifyError: Bad local variable type in method total()J at offset 12"));
    assertThat(refused.getMessage())
        .contains("com.acme.Cart#total was refused, nothing changed")
        .contains(
            "java.lang.String: the JVM rejected the new bytes: java.lang.VerifyError: Bad local variable type");
    assertThat(refused.hint())
        .contains("the classes run as before")
        .contains("entry or exit")
        .doesNotContain("log");
  }

  @Test
  void aMethodTooLargeNamesTheJvmLimit() {
    JLiveException refused =
        ProbeTargets.notInstalled(
            SELECTOR,
            Map.of(
                String.class,
                "MethodTooLargeException: Method too large: com/acme/Cart.total ()J"));
    assertThat(refused.hint()).contains("64 KB").contains("probe a method it calls");
  }
}

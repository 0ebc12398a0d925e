package dev.jlive.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.jlive.protocol.fuzz.HostileInput;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the JSON codec that reads every request body: whatever the text, it returns a value or
 * throws {@link IllegalArgumentException} with a message, never another exception and never a stack
 * overflow; and what it writes, it reads back. A failure names its seed: rerun with {@code
 * -Djlive.fuzz.seed=SEED} to get the same inputs.
 */
class JsonFuzzTest {
  static final int CASES = 10_000;
  private static final long SEED = Long.getLong("jlive.fuzz.seed", System.nanoTime());

  @Test
  void anyTextParsesOrIsRefusedWithAMessage() {
    HostileInput input = new HostileInput(SEED);
    for (int i = 0; i < CASES; i++) {
      String text = input.brokenJson();
      Throwable thrown = catchThrowable(() -> Json.parse(text));
      if (thrown != null) {
        assertThat(thrown)
            .as("seed %d case %d: %s", SEED, i, shortened(text))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("invalid JSON at offset");
      }
    }
  }

  @Test
  void deepNestingIsRefusedNotOverflowed() {
    HostileInput input = new HostileInput(SEED);
    for (int i = 0; i < 200; i++) {
      int depth = input.between(257, 200_000);
      String text =
          input.chance(50)
              ? "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)
              : "[".repeat(depth) + "]".repeat(depth);

      assertThat(catchThrowable(() -> Json.parse(text)))
          .as("seed %d depth %d", SEED, depth)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("nested deeper than 256 levels");
    }
  }

  @Test
  void whatIsWrittenIsReadBack() {
    HostileInput input = new HostileInput(SEED);
    for (int i = 0; i < CASES; i++) {
      Object value = input.value(3);
      if (value instanceof Double) {
        continue;
      }
      assertThat(Json.parse(Json.write(value))).as("seed %d case %d", SEED, i).isEqualTo(value);
      assertThat(Json.parse(Json.writePretty(value)))
          .as("seed %d case %d", SEED, i)
          .isEqualTo(value);
    }
  }

  private static String shortened(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}

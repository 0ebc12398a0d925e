package dev.jlive.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenTest {

  @TempDir Path dir;

  @Test
  void readsItsThirtyTwoBytesFromTheSourceItself() throws IOException {
    // A fake device with known bytes: the token must be exactly those, so it comes from the source
    // and not from SecureRandom.
    byte[] known = new byte[40];
    for (int i = 0; i < known.length; i++) {
      known[i] = (byte) (i + 1);
    }
    Path device = Files.write(dir.resolve("urandom"), known);

    byte[] bytes = Token.randomBytes(device);

    assertThat(bytes).hasSize(32).containsExactly(Arrays.copyOf(known, 32));
  }

  @Test
  void fallsBackToSecureRandomWithoutTheDevice() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      byte[] bytes = Token.randomBytes(dir.resolve("no-such-device"));
      assertThat(bytes).hasSize(32);
      seen.add(Base64.getEncoder().encodeToString(bytes));
    }
    assertThat(seen).hasSize(20);
  }

  @Test
  void fallsBackToSecureRandomWhenTheSourceRunsShort() throws IOException {
    Path shortDevice = Files.write(dir.resolve("short"), new byte[] {7, 7, 7});

    byte[] bytes = Token.randomBytes(shortDevice);

    assertThat(bytes).hasSize(32);
    assertThat(bytes).isNotEqualTo(new byte[32]);
    assertThat(bytes[0] == 7 && bytes[1] == 7 && bytes[2] == 7 && bytes[3] == 0).isFalse();
  }

  @Test
  void generatedTokensCarry256BitsAndDiffer() throws IOException {
    assertThat(Files.isReadable(Token.URANDOM)).as("this test expects a Linux box").isTrue();
    Set<String> tokens = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      String token = Token.load(null);
      assertThat(Base64.getUrlDecoder().decode(token)).hasSize(32);
      tokens.add(token);
    }
    assertThat(tokens).hasSize(50);
  }
}

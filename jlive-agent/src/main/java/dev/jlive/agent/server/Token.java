package dev.jlive.agent.server;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/** The endpoint's bearer token: random per start unless a token file is configured. */
public final class Token {
  /** The OS's CSPRNG on Linux and macOS; it never blocks once the kernel's pool is seeded. */
  static final Path URANDOM = Paths.get("/dev/urandom");

  private static final int TOKEN_BYTES = 32;

  private Token() {}

  /** Reads a token from {@code file}, or makes a random one when {@code file} is null. */
  public static String load(Path file) throws IOException {
    if (file == null) {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(URANDOM));
    }
    String token = Files.readString(file, StandardCharsets.UTF_8).trim();
    if (token.length() < 16) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the token in " + file + " is shorter than 16 characters",
          "put a long random token in the file, e.g. from `openssl rand -hex 32`");
    }
    return token;
  }

  /**
   * 32 bytes (256 bits) from the OS's CSPRNG: read from {@code source} ({@code /dev/urandom})
   * directly, else from {@link SecureRandom}, which reads the same device on Linux. Reading the
   * device ourselves keeps the strength and skips the JDK's security provider set-up, which the
   * first {@code SecureRandom} pays for in the attached JVM (0.5 s and more on a busy one, see
   * docs/BENCHMARKS.md section 26).
   */
  static byte[] randomBytes(Path source) {
    byte[] bytes = new byte[TOKEN_BYTES];
    if (Files.isReadable(source)) {
      try (InputStream in = Files.newInputStream(source)) {
        if (in.readNBytes(bytes, 0, TOKEN_BYTES) == TOKEN_BYTES) {
          return bytes;
        }
      } catch (IOException unreadable) {
        // Falls through to SecureRandom, which finds its own source.
      }
    }
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  /**
   * Compares in constant time, so the answer's timing does not reveal how much of a guess was
   * right.
   */
  static boolean matches(String expected, String presented) {
    if (presented == null) {
      return false;
    }
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }
}

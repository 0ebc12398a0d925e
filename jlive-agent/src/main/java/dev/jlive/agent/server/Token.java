package dev.jlive.agent.server;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/** The endpoint's bearer token: random per start unless a token file is configured. */
public final class Token {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Token() {}

  /** Reads a token from {@code file}, or makes a random one when {@code file} is null. */
  public static String load(Path file) throws IOException {
    if (file == null) {
      byte[] bytes = new byte[32];
      RANDOM.nextBytes(bytes);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
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

package dev.jlive.controller.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Tokens and what the controller keeps of them. A token is 256 random bits, so a plain SHA-256 is
 * enough to keep it: there is nothing to guess that a slow, salted hash would protect.
 */
public final class Tokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  /** A new token: 256 random bits as 64 hex digits. */
  public static String create() {
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  /** What the controller stores and looks a token up by. */
  public static String hash(String token) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}

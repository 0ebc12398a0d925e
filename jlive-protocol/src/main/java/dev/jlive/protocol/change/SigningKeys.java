package dev.jlive.protocol.change;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 keys as PEM text, the form {@code openssl pkey} reads and writes: {@code PUBLIC KEY}
 * (X.509 SubjectPublicKeyInfo) for agents, {@code PRIVATE KEY} (PKCS#8) for controllers.
 */
public final class SigningKeys {
  private static final String PUBLIC = "PUBLIC KEY";
  private static final String PRIVATE = "PRIVATE KEY";

  private SigningKeys() {}

  public static String pem(PublicKey key) {
    return pem(PUBLIC, key.getEncoded());
  }

  public static String pem(PrivateKey key) {
    return pem(PRIVATE, key.getEncoded());
  }

  /**
   * The public key in {@code text}, which may hold other PEM blocks too.
   *
   * @param source where the text came from, for the error
   */
  public static PublicKey readPublic(String text, String source) {
    byte[] der = block(text, PUBLIC, source);
    try {
      return KeyFactory.getInstance(ChangeSignature.ALGORITHM)
          .generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw notAKey(source, PUBLIC, e);
    }
  }

  /** The private key in {@code text}, which may hold other PEM blocks too. */
  public static PrivateKey readPrivate(String text, String source) {
    byte[] der = block(text, PRIVATE, source);
    try {
      return KeyFactory.getInstance(ChangeSignature.ALGORITHM)
          .generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw notAKey(source, PRIVATE, e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static byte[] block(String text, String type, String source) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int start = text.indexOf(begin);
    int stop = start < 0 ? -1 : text.indexOf(end, start);
    if (stop < 0) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          source + " holds no " + type + " block",
          "give the file `jlive controller key` writes (PEM, " + begin + ")");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(start + begin.length(), stop));
    } catch (IllegalArgumentException e) {
      throw notAKey(source, type, e);
    }
  }

  private static JLiveException notAKey(String source, String type, Exception cause) {
    return new JLiveException(
        ErrorCode.BAD_REQUEST,
        "the " + type + " in " + source + " is not an Ed25519 key: " + cause.getMessage(),
        "give the file `jlive controller key` writes");
  }
}

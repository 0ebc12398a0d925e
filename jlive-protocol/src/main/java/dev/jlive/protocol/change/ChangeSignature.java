package dev.jlive.protocol.change;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;

/**
 * What the controller signs for each change, and how an agent checks it.
 *
 * <p>The signed bytes are the UTF-8 of {@code "jlive-change-v1\n" + service + "\n" + id + "\n" +
 * digest}, where {@code digest} is {@link Change#digestOf} of the change's kind, spec and labels.
 * The digest covers everything that decides what runs (the spec is the very body the agent's own
 * engines take) and where; the service and id bind the signature to one change of one service, so a
 * signed change cannot be replayed into another service or under another change's id. The agent
 * recomputes the digest from the spec it received and never reads a digest field: a spec edited in
 * the store changes the digest, and the signature no longer verifies. The leading tag keeps these
 * bytes from ever meaning anything else signed with the same key.
 */
public final class ChangeSignature {
  public static final String ALGORITHM = "Ed25519";
  static final String TAG = "jlive-change-v1";

  private ChangeSignature() {}

  /** The bytes signed for the change {@code id} of {@code service}. */
  public static byte[] signedBytes(
      String service,
      String id,
      ChangeKind kind,
      Map<String, Object> spec,
      Map<String, String> where) {
    String text = TAG + "\n" + service + "\n" + id + "\n" + Change.digestOf(kind, spec, where);
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The controller's signature of {@code change}, in base64. */
  public static String sign(PrivateKey key, Change change) {
    try {
      Signature signer = Signature.getInstance(ALGORITHM);
      signer.initSign(key);
      signer.update(
          signedBytes(change.service(), change.id(), change.kind(), change.spec(), change.where()));
      return Base64.getEncoder().encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new JLiveException(
          ErrorCode.INTERNAL_ERROR,
          "cannot sign change " + change.id() + ": " + e,
          "the controller's signing key must be an Ed25519 key");
    }
  }

  /**
   * True when {@code signature} (base64) is {@code key}'s signature of exactly this change; false
   * for any other signature, a malformed one included.
   */
  public static boolean verifies(
      PublicKey key,
      String signature,
      String service,
      String id,
      ChangeKind kind,
      Map<String, Object> spec,
      Map<String, String> where) {
    try {
      Signature verifier = Signature.getInstance(ALGORITHM);
      verifier.initVerify(key);
      verifier.update(signedBytes(service, id, kind, spec, where));
      return verifier.verify(Base64.getDecoder().decode(signature));
    } catch (IllegalArgumentException | GeneralSecurityException notASignature) {
      return false;
    }
  }
}

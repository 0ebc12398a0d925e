package dev.jlive.protocol.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.protocol.JLiveException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeSignatureTest {
  private static final Map<String, Object> SPEC =
      Map.of("selector", "com.acme.Pricing#price", "kind", "count");
  private static final Map<String, String> WHERE = Map.of("zone", "eu");

  private final KeyPair controller = pair();
  private final Change change =
      Change.create(
          7,
          "shop",
          ChangeKind.PROBE,
          "count probe",
          SPEC,
          WHERE,
          "alice",
          "2026-01-01T00:00:00Z",
          List.of());
  private final String signature = ChangeSignature.sign(controller.getPrivate(), change);

  @Test
  void theSignedBytesAreTheTagServiceIdAndRecomputedDigest() {
    assertThat(
            new String(
                ChangeSignature.signedBytes("shop", "c7", ChangeKind.PROBE, SPEC, WHERE),
                StandardCharsets.UTF_8))
        .isEqualTo("jlive-change-v1\nshop\nc7\n" + Change.digestOf(ChangeKind.PROBE, SPEC, WHERE));
  }

  @Test
  void theSameChangeVerifies() {
    assertThat(verifies(signature, "shop", "c7", ChangeKind.PROBE, SPEC, WHERE)).isTrue();
    // Key order does not matter: the digest is of the canonical JSON.
    assertThat(
            verifies(
                signature,
                "shop",
                "c7",
                ChangeKind.PROBE,
                Map.of("kind", "count", "selector", "com.acme.Pricing#price"),
                WHERE))
        .isTrue();
  }

  @Test
  void anyChangeOfWhatRunsOrWhereFailsVerification() {
    Map<String, Object> otherSpec = Map.of("selector", "com.acme.Pricing#price", "kind", "log");
    assertThat(verifies(signature, "shop", "c7", ChangeKind.PROBE, otherSpec, WHERE)).isFalse();
    assertThat(verifies(signature, "shop", "c8", ChangeKind.PROBE, SPEC, WHERE)).isFalse();
    assertThat(verifies(signature, "billing", "c7", ChangeKind.PROBE, SPEC, WHERE)).isFalse();
    assertThat(verifies(signature, "shop", "c7", ChangeKind.PATCH, SPEC, WHERE)).isFalse();
    assertThat(verifies(signature, "shop", "c7", ChangeKind.PROBE, SPEC, Map.of())).isFalse();
  }

  @Test
  void anotherKeysSignatureOrGarbageFails() {
    String forged = ChangeSignature.sign(pair().getPrivate(), change);
    assertThat(verifies(forged, "shop", "c7", ChangeKind.PROBE, SPEC, WHERE)).isFalse();
    assertThat(verifies("not base64!", "shop", "c7", ChangeKind.PROBE, SPEC, WHERE)).isFalse();
    assertThat(verifies("AAAA", "shop", "c7", ChangeKind.PROBE, SPEC, WHERE)).isFalse();
  }

  @Test
  void theSignatureTravelsWithTheStoredChange() {
    Change signed = change.signed(signature);
    Change read = Change.fromWire(signed.toJson());
    assertThat(read.signature()).isEqualTo(signature);
    assertThat(read.reverted("bob", "2026-01-02T00:00:00Z").signature()).isEqualTo(signature);
    assertThat(change.toJson()).doesNotContainKey("signature");
  }

  @Test
  void keysRoundTripThroughPem() {
    String text =
        SigningKeys.pem(controller.getPrivate()) + SigningKeys.pem(controller.getPublic());
    assertThat(SigningKeys.readPublic(text, "f")).isEqualTo(controller.getPublic());
    assertThat(ChangeSignature.sign(SigningKeys.readPrivate(text, "f"), change))
        .isEqualTo(signature);
    assertThatThrownBy(() -> SigningKeys.readPublic("hello", "the file k.pub"))
        .isInstanceOf(JLiveException.class)
        .hasMessageContaining("the file k.pub holds no PUBLIC KEY block");
  }

  private boolean verifies(
      String signature,
      String service,
      String id,
      ChangeKind kind,
      Map<String, Object> spec,
      Map<String, String> where) {
    return ChangeSignature.verifies(
        controller.getPublic(), signature, service, id, kind, spec, where);
  }

  private static KeyPair pair() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}

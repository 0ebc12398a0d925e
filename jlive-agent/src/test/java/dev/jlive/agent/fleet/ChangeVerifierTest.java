package dev.jlive.agent.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.ChangeSignature;
import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.change.SigningKeys;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.DesiredChange;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeVerifierTest {
  private static final Map<String, Object> SPEC = Map.of("selector", "com.acme.Shop#buy");

  @TempDir Path dir;
  private final KeyPair controller = pair();

  @Test
  void onlyChangesTheControllerSignedForThisServiceRun() throws Exception {
    ChangeVerifier verifier = verifier("shop");
    assertThat(verifier.verifies()).isTrue();

    assertThat(verifier.refusal(signed("c1", "shop", controller.getPrivate()))).isNull();
    assertThat(verifier.refusal(unsigned("c2")))
        .startsWith("signature missing")
        .contains(dir.resolve("controller.pub").toString());
    assertThat(verifier.refusal(signed("c3", "shop", pair().getPrivate())))
        .startsWith(
            "signature does not verify with the controller key in "
                + dir.resolve("controller.pub"));
    // Signed for another service: not for this one.
    assertThat(verifier.refusal(signed("c4", "billing", controller.getPrivate())))
        .startsWith("signature does not verify");
    // The spec edited after signing (what a write into ZooKeeper would do).
    DesiredChange good = signed("c5", "shop", controller.getPrivate());
    DesiredChange edited =
        new DesiredChange(
            good.id(),
            good.kind(),
            Map.of("selector", "com.acme.Shop#refund"),
            good.where(),
            good.author(),
            good.createdAt(),
            good.signature());
    assertThat(verifier.refusal(edited)).startsWith("signature does not verify");
  }

  @Test
  void withoutAKeyEveryChangePasses() {
    assertThat(ChangeVerifier.none().verifies()).isFalse();
    assertThat(ChangeVerifier.none().refusal(unsigned("c1"))).isNull();
  }

  @Test
  void aRefusedChangeIsReportedFailedAndNothingOfItIsApplied() throws Exception {
    List<String> applied = new ArrayList<>();
    List<String> waiting = new ArrayList<>();
    Reconciler reconciler =
        new Reconciler(new Recording(applied), verifier("shop"), NoLog.INSTANCE);
    DesiredChange good = signed("c1", "shop", controller.getPrivate());
    DesiredChange forged = signed("c2", "shop", pair().getPrivate());
    reconciler.reconcile(List.of(good, forged, unsigned("c3")), 4, waiting::add, () -> true);
    reconciler.reconcile(List.of(good, forged, unsigned("c3")), 4, waiting::add, () -> true);

    // Once, for c1 alone: the refused ones are not tried again at the same desired version.
    assertThat(applied).containsExactly("alice via controller");
    assertThat(waiting).isEmpty();
    Map<String, ChangeReport> report = reconciler.report();
    assertThat(report.get("c1").state()).isEqualTo(ProcessState.APPLIED);
    assertThat(report.get("c2").state()).isEqualTo(ProcessState.FAILED);
    assertThat(report.get("c2").message()).startsWith("signature does not verify");
    assertThat(report.get("c3").state()).isEqualTo(ProcessState.FAILED);
    assertThat(report.get("c3").message()).startsWith("signature missing");
  }

  @Test
  void aKeyFileOthersMayWriteIsRefused() throws Exception {
    Path file = writeKey();
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
    assertThatThrownBy(() -> verifier("shop"))
        .isInstanceOf(JLiveException.class)
        .hasMessageContaining("may be written by others");
  }

  private ChangeVerifier verifier(String service) throws Exception {
    Path file = dir.resolve("controller.pub");
    if (!Files.exists(file)) {
      writeKey();
    }
    return ChangeVerifier.of(
        new FleetSettings(
            URI.create("https://controller:7611"),
            service,
            Map.of(),
            dir.resolve("token"),
            null,
            file,
            false,
            false,
            null));
  }

  private Path writeKey() throws Exception {
    return Files.writeString(
        dir.resolve("controller.pub"), SigningKeys.pem(controller.getPublic()));
  }

  private static DesiredChange signed(String id, String service, PrivateKey key) {
    long number = Long.parseLong(id.substring(1));
    Change change =
        Change.create(
            number,
            service,
            ChangeKind.PROBE,
            "probe",
            SPEC,
            Map.of(),
            "alice",
            "2026-01-01T00:00:00Z",
            List.of());
    return new DesiredChange(
        id,
        ChangeKind.PROBE,
        SPEC,
        Map.of(),
        "alice",
        change.createdAt(),
        ChangeSignature.sign(key, change));
  }

  private static DesiredChange unsigned(String id) {
    return new DesiredChange(id, ChangeKind.PROBE, SPEC, "mallory", "2026-01-01T00:00:00Z");
  }

  private static KeyPair pair() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Records the author of each change that reached the engines. */
  private record Recording(List<String> applied) implements FleetTarget {
    @Override
    public String apply(ChangeKind kind, Map<String, Object> spec, String author) {
      applied.add(author);
      return "p" + applied.size();
    }

    @Override
    public void revert(String localId, String why) {}

    @Override
    public String notLive(String localId) {
      return null;
    }

    @Override
    public Map<String, Object> metrics(String localId) {
      return null;
    }

    @Override
    public long nextEventSequence() {
      return 1;
    }

    @Override
    public Events events(long after, int limit) {
      return new Events(List.of(), after);
    }
  }
}

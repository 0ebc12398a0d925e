package dev.jlive.controller.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.ChangeSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeSignerTest {
  @TempDir Path dir;

  @Test
  void makesAPrivateKeyFileOnceAndEveryControllerGivenItSignsAlike() throws Exception {
    Path file = dir.resolve("data").resolve("signing-key");
    ChangeSigner first = ChangeSigner.loadOrCreate(file);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.list(file.getParent())).containsExactly(file);
    ChangeSigner second = ChangeSigner.loadOrCreate(file);
    assertThat(second.publicKeyPem()).isEqualTo(first.publicKeyPem());

    Change change =
        Change.create(
            3,
            "shop",
            ChangeKind.PROBE,
            "probe",
            Map.of("selector", "a.B#c"),
            Map.of(),
            "alice",
            "2026-01-01T00:00:00Z",
            List.of());
    Change signed = first.sign(change);
    assertThat(
            ChangeSignature.verifies(
                second.publicKey(),
                signed.signature(),
                "shop",
                "c3",
                ChangeKind.PROBE,
                change.spec(),
                change.where()))
        .isTrue();
  }

  @Test
  void aKeyFileOthersMayReadIsRefused() throws Exception {
    Path file = dir.resolve("signing-key");
    ChangeSigner.loadOrCreate(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    JLiveException refused =
        catchThrowableOfType(() -> ChangeSigner.loadOrCreate(file), JLiveException.class);
    assertThat(refused.getMessage())
        .isEqualTo("the signing key file " + file + " is open to others (rw-r-----)");
    assertThat(refused.hint()).contains("chmod 600 " + file);
  }
}

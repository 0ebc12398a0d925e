package dev.jlive.agent.fleet;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.change.ChangeSignature;
import dev.jlive.protocol.change.SigningKeys;
import dev.jlive.protocol.fleet.DesiredChange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.PublicKey;
import java.util.Set;

/**
 * Decides whether a change from the controller may run here: with the controller's public key
 * given, only a change whose signature verifies over this service, its id and the digest of the
 * spec and labels as received (recomputed here, never read from the wire). Without a key every
 * change passes, as before signed changes.
 */
final class ChangeVerifier {
  private final String service;
  private final PublicKey key;
  private final Path keyFile;

  private ChangeVerifier(String service, PublicKey key, Path keyFile) {
    this.service = service;
    this.key = key;
    this.keyFile = keyFile;
  }

  /** A verifier that lets every change through. */
  static ChangeVerifier none() {
    return new ChangeVerifier(null, null, null);
  }

  /**
   * The verifier the settings ask for; reads the key now, so a missing or bad key file stops the
   * agent's start like a bad option.
   */
  static ChangeVerifier of(FleetSettings settings) {
    Path file = settings.controllerKey();
    if (file == null) {
      return none();
    }
    String text;
    try {
      if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (permissions.contains(PosixFilePermission.OTHERS_WRITE)
            || permissions.contains(PosixFilePermission.GROUP_WRITE)) {
          throw new JLiveException(
              ErrorCode.BAD_REQUEST,
              "the controller key file " + file + " may be written by others",
              "whoever can replace it decides what code this JVM runs: chmod go-w " + file);
        }
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "cannot read the controller key file " + file + ": " + e,
          "give controllerKey=FILE (or JLIVE_CONTROLLER_KEY_FILE) the file `jlive controller key`"
              + " wrote, readable by this JVM's user");
    }
    return new ChangeVerifier(
        settings.service(), SigningKeys.readPublic(text, "the controller key file " + file), file);
  }

  boolean verifies() {
    return key != null;
  }

  Path keyFile() {
    return keyFile;
  }

  /** Null when {@code change} may run here; else why not, as the controller's listing shows it. */
  String refusal(DesiredChange change) {
    if (key == null) {
      return null;
    }
    if (change.signature() == null || change.signature().isBlank()) {
      return "signature missing: this agent runs only changes signed by its controller (key in "
          + keyFile
          + "); nothing of it was applied";
    }
    boolean verifies;
    try {
      verifies =
          ChangeSignature.verifies(
              key,
              change.signature(),
              service,
              change.id(),
              change.kind(),
              change.spec(),
              change.where());
    } catch (RuntimeException unreadable) {
      // A spec that cannot even be digested is not run either.
      return "signature could not be checked ("
          + unreadable
          + "); nothing of the change was applied";
    }
    if (!verifies) {
      return "signature does not verify with the controller key in "
          + keyFile
          + ": the change was not made by a controller holding that key, or was altered since;"
          + " nothing of it was applied";
    }
    return null;
  }
}

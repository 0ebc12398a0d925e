package dev.jlive.controller.sign;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.FileTrust;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeSignature;
import dev.jlive.protocol.change.SigningKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * Signs each change at the moment it becomes active, with the controller's Ed25519 key: agents
 * given the public key apply only changes this signed, so a change written into ZooKeeper behind
 * the controllers' back runs nowhere. {@link #sign} is the one place a change gets its signature;
 * nothing signs at send time, or a forged node would be signed on its way out.
 *
 * <p>The key file holds the private key and the public key as PEM blocks. It is made on first use,
 * readable by its owner only; an existing one that others may read or that another user owns is
 * refused. Several controllers share the key by being given the same file, never through ZooKeeper,
 * which is exactly what an attacker of the store could read.
 */
public final class ChangeSigner {
  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private final Path file;
  private final PrivateKey privateKey;
  private final PublicKey publicKey;

  private ChangeSigner(Path file, PrivateKey privateKey, PublicKey publicKey) {
    this.file = file;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /** Reads the key in {@code file}, or makes one there when there is none. */
  public static ChangeSigner loadOrCreate(Path file) throws IOException {
    if (!Files.exists(file)) {
      create(file);
    }
    checkPrivate(file);
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String source = "the signing key file " + file;
    return new ChangeSigner(
        file, SigningKeys.readPrivate(text, source), SigningKeys.readPublic(text, source));
  }

  /** The change with its signature: call exactly where a change becomes active. */
  public Change sign(Change change) {
    return change.signed(ChangeSignature.sign(privateKey, change));
  }

  /** The public key agents are given ({@code controllerKey=FILE}), as PEM. */
  public String publicKeyPem() {
    return SigningKeys.pem(publicKey);
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  public Path file() {
    return file;
  }

  /**
   * Writes a new key pair to a private temporary file, then links it under {@code file}: another
   * controller starting at the same moment either wins (its key is used) or loses, but no one reads
   * a half-written file.
   */
  private static void create(Path file) throws IOException {
    KeyPair pair;
    try {
      pair = KeyPairGenerator.getInstance(ChangeSignature.ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new JLiveException(
          ErrorCode.INTERNAL_ERROR,
          "this JVM cannot make Ed25519 keys: " + e,
          "run the controller on a JDK with the SunEC provider (any Java 17 or later JDK)");
    }
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    byte[] text =
        (SigningKeys.pem(pair.getPrivate()) + SigningKeys.pem(pair.getPublic()))
            .getBytes(StandardCharsets.UTF_8);
    try (SeekableByteChannel channel =
        FileTrust.isPosix(dir)
            ? Files.newByteChannel(
                temp,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
            : Files.newByteChannel(
                temp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
      ByteBuffer buffer = ByteBuffer.wrap(text);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }
    try {
      Files.createLink(file, temp);
    } catch (FileAlreadyExistsException anotherControllerWasFirst) {
      // its key is the one to use
    } catch (UnsupportedOperationException noHardLinks) {
      if (!Files.exists(file)) {
        Files.move(temp, file);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Refuses a key file that others may read or that another user owns. */
  private static void checkPrivate(Path file) throws IOException {
    if (!FileTrust.isPosix(file)) {
      return;
    }
    PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class);
    UserPrincipal me = FileTrust.currentUser();
    if (!attributes.owner().equals(me)) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the signing key file "
              + file
              + " is owned by "
              + attributes.owner().getName()
              + ", not by "
              + me.getName()
              + " who runs this controller",
          "whoever owns the key can sign code for every process: give the controller a key file of its own user (chown it)");
    }
    Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
    open.addAll(attributes.permissions());
    open.retainAll(OTHERS);
    if (!open.isEmpty()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the signing key file "
              + file
              + " is open to others ("
              + PosixFilePermissions.toString(attributes.permissions())
              + ")",
          "anyone who can read the key can sign code for every process: chmod 600 "
              + file
              + ", and make a new key if others may have read it");
    }
  }
}

package dev.jlive.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A file holding a secret (a token, a password, a private key): created readable by its owner only
 * from its first byte, and read only when nobody else could have read or replaced it.
 *
 * <p>Creating writes a fresh temporary name opened with {@code CREATE_NEW} and mode 0600 (never a
 * {@code chmod} after writing, which would leave a moment when the secret is readable), then links
 * it to its real name: a hard link fails when that name exists, so two processes making the same
 * secret at once do not overwrite each other, and the loser reads the winner's. Reading refuses a
 * symbolic link, a file owned by another user or readable by anyone else, and a file in a folder
 * that other users may write to (they could have swapped it).
 */
public final class SecretFile {

  private SecretFile() {}

  /**
   * The secret in {@code file}, trimmed.
   *
   * @throws UntrustedFileException when others could read it or could have put it there
   */
  public static String read(Path file) throws IOException {
    check(file);
    String text = new String(FileTrust.readNoFollow(file), StandardCharsets.UTF_8).trim();
    if (text.isEmpty()) {
      throw new UntrustedFileException(
          "the secret file " + file + " is empty",
          "remove it to have jlive make a new one, or write the secret into it");
    }
    return text;
  }

  /**
   * The secret in {@code file}; when there is no such file, one made by {@code make} is written
   * there first (mode 0600, atomically).
   */
  public static String readOrCreate(Path file, Supplier<String> make) throws IOException {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      try {
        create(file, (make.get() + "\n").getBytes(StandardCharsets.UTF_8));
      } catch (FileAlreadyExistsException raced) {
        // Another process made it meanwhile: read theirs, checked like any other.
      }
    }
    return read(file);
  }

  /**
   * Writes a new secret file with mode 0600; its folder must exist and be safe (see {@link
   * #check}).
   *
   * @throws FileAlreadyExistsException when {@code file} exists (it is never replaced)
   */
  public static void create(Path file, byte[] bytes) throws IOException {
    Path temp = FileTrust.temporarySibling(file.toAbsolutePath());
    Set<OpenOption> options =
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    try {
      try (SeekableByteChannel out =
          FileTrust.isPosix(file)
              ? Files.newByteChannel(temp, options, FileTrust.permissions("rw-------"))
              : Files.newByteChannel(temp, options)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        if (out instanceof FileChannel channel) {
          channel.force(true);
        }
      }
      // Checked on the temporary file, which is surely ours: no other user may be able to swap
      // the secret for theirs once it is in place.
      FileTrust.checkFoldersAbove(temp, place(file));
      try {
        Files.createLink(file, temp);
      } catch (UnsupportedOperationException noHardLinks) {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
          throw new FileAlreadyExistsException(file.toString());
        }
        Files.move(temp, file);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Checks that {@code file} is a regular file of this process's user that nobody else can read, in
   * folders nobody else can write to.
   */
  public static void check(Path file) throws IOException {
    FileTrust.checkFile(file, FileTrust.currentUser(), true, place(file));
    FileTrust.checkFoldersAbove(file.toAbsolutePath(), place(file));
  }

  private static FileTrust.Place place(Path file) {
    return new FileTrust.Place(
        "the secret file",
        "if you made "
            + file
            + " yourself, make it yours and readable by you only (chmod 600 "
            + file
            + "); otherwise delete it, as someone else may have read or planted it, and let jlive"
            + " make a new one",
        "keep secrets in a folder only you (or root) can write to");
  }
}

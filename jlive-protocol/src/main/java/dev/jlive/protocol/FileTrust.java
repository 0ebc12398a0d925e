package dev.jlive.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Checks that a folder or file in a shared place (such as {@code /tmp}) is really ours before jlive
 * trusts it with a token, a log line or an agent jar, and writes files there without following
 * links.
 *
 * <p>Every check reads attributes with {@link LinkOption#NOFOLLOW_LINKS}, and every open passes it
 * too, so a link planted under an expected name is refused rather than followed. The checks are
 * only as good as the folder they are made in: once a folder is known to be owned by the right user
 * and writable by nobody else, no other user can swap its entries between a check and a use. That
 * is why every file operation first checks its folder.
 */
public final class FileTrust {
  private static final Set<PosixFilePermission> WRITABLE_BY_OTHERS =
      Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
  private static final Set<PosixFilePermission> ANY_ACCESS_BY_OTHERS =
      Set.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);
  private static final int STICKY = 01000;
  private static final int GROUP_WRITE = 0020;
  private static final int OTHERS_WRITE = 0002;

  private FileTrust() {}

  /** False on file systems without owners and modes (Windows), where the checks do not apply. */
  public static boolean isPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /**
   * The user this process runs as: the owner of {@code /proc/self} on Linux, else the one named by
   * user.name.
   */
  public static UserPrincipal currentUser() throws IOException {
    Path self = Paths.get("/proc/self");
    if (Files.isDirectory(self)) {
      return Files.getOwner(self);
    }
    return Paths.get("")
        .getFileSystem()
        .getUserPrincipalLookupService()
        .lookupPrincipalByName(System.getProperty("user.name"));
  }

  /** The user a local process runs as; its files are the only ones that may speak for it. */
  public static UserPrincipal ownerOfProcess(long pid) throws IOException {
    Path proc = Paths.get("/proc", Long.toString(pid));
    if (Files.isDirectory(proc, LinkOption.NOFOLLOW_LINKS)) {
      return Files.getOwner(proc, LinkOption.NOFOLLOW_LINKS);
    }
    String name =
        ProcessHandle.of(pid)
            .flatMap(process -> process.info().user())
            .orElseThrow(() -> new NoSuchFileException("no process " + pid));
    return Paths.get("")
        .getFileSystem()
        .getUserPrincipalLookupService()
        .lookupPrincipalByName(name);
  }

  /**
   * Checks that {@code dir} is a directory (not a link to one) owned by {@code owner} and writable
   * by nobody else, and that no other user can rename it away: each folder above it is owned by
   * root or {@code owner} and is not writable by others unless it is sticky, like {@code /tmp}.
   */
  public static void checkDirectory(Path dir, UserPrincipal owner) throws IOException {
    checkDirectory(dir, owner, Place.runtimeDirectory(dir));
  }

  /** As {@link #checkDirectory(Path, UserPrincipal)}, with messages naming {@code place}. */
  public static void checkDirectory(Path dir, UserPrincipal owner, Place place) throws IOException {
    if (!isPosix(dir)) {
      return;
    }
    PosixFileAttributes attributes =
        Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attributes.isSymbolicLink()) {
      throw new UntrustedFileException(
          place.name() + " " + dir + " is a symbolic link (to " + Files.readSymbolicLink(dir) + ")",
          place.fix());
    }
    if (!attributes.isDirectory()) {
      throw new UntrustedFileException(
          place.name() + " " + dir + " is not a directory", place.fix());
    }
    if (!attributes.owner().equals(owner)) {
      throw new UntrustedFileException(
          place.name()
              + " "
              + dir
              + " is owned by "
              + attributes.owner().getName()
              + ", not by "
              + owner.getName()
              + "; another user may have made it to read or replace jlive's files",
          place.fix());
    }
    if (attributes.permissions().stream().anyMatch(WRITABLE_BY_OTHERS::contains)) {
      throw new UntrustedFileException(
          place.name()
              + " "
              + dir
              + " is writable by other users (mode "
              + PosixFilePermissions.toString(attributes.permissions())
              + ")",
          place.fix());
    }
    checkFoldersAbove(dir, place);
  }

  /**
   * Creates {@code dir} with mode 0700 if needed and returns it, or refuses it when another user
   * could have made it or could change what is in it: owned by someone else, writable by others, a
   * symbolic link, or inside a folder others may write to. A folder of ours that others may only
   * read is narrowed to 0700, since nobody else can have put anything in it.
   */
  public static Path ensurePrivateDirectory(Path dir, Place place) throws IOException {
    if (!isPosix(dir)) {
      // Not a POSIX file system (Windows): the user's folders are private already.
      return Files.createDirectories(dir);
    }
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Path parent = dir.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try {
        Files.createDirectory(dir, permissions("rwx------"));
      } catch (FileAlreadyExistsException raced) {
        // Made meanwhile, by us or by someone else: the check below tells which.
      }
    }
    checkDirectory(dir, currentUser(), place);
    if (!PosixFilePermissions.toString(
            Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS))
        .equals("rwx------")) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
    return dir;
  }

  /**
   * Checks that no other user can swap {@code path} (a folder or a file, already known to be owned
   * by the expected user) for one of their own: each folder above it is owned by root or that user,
   * and is not writable by others unless it is sticky, like {@code /tmp}. A folder that the user's
   * own group may write is accepted: with user private groups (umask 002, the default on Ubuntu)
   * every folder a user makes is like that, and that group holds the user alone.
   */
  public static void checkFoldersAbove(Path path, Place place) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent == null || !isPosix(path)) {
      return;
    }
    try {
      int ownerUid = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      int ownerGid = (Integer) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS);
      for (Path folder = parent.toRealPath(); folder != null; folder = folder.getParent()) {
        int uid = (Integer) Files.getAttribute(folder, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int gid = (Integer) Files.getAttribute(folder, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(folder, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if (uid != 0 && uid != ownerUid) {
          throw new UntrustedFileException(
              place.name()
                  + " "
                  + path
                  + " lies in "
                  + folder
                  + ", which belongs to "
                  + Files.getOwner(folder, LinkOption.NOFOLLOW_LINKS).getName()
                  + ", who could replace it",
              place.elsewhere());
        }
        boolean sticky = (mode & STICKY) != 0;
        boolean othersWrite = (mode & OTHERS_WRITE) != 0;
        boolean foreignGroupWrite =
            (mode & GROUP_WRITE) != 0 && !(uid == ownerUid && gid == ownerGid);
        if (!sticky && (othersWrite || foreignGroupWrite)) {
          throw new UntrustedFileException(
              place.name()
                  + " "
                  + path
                  + " lies in "
                  + folder
                  + ", which other users may write to (mode "
                  + Integer.toOctalString(mode & 07777)
                  + ") and so could replace it",
              place.elsewhere());
        }
      }
    } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
      // Not a Unix file system: owners and modes mean nothing here.
    }
  }

  /**
   * Checks that {@code file} is a regular file (not a link) owned by {@code owner} and writable by
   * nobody else; a {@code secret} one must not be readable by anyone else either.
   */
  public static void checkFile(Path file, UserPrincipal owner, boolean secret) throws IOException {
    checkFile(
        file,
        owner,
        secret,
        new Place("", "remove it (rm " + file + ") if you do not know who made it", ""));
  }

  /** As {@link #checkFile(Path, UserPrincipal, boolean)}, with messages naming {@code place}. */
  public static void checkFile(Path file, UserPrincipal owner, boolean secret, Place place)
      throws IOException {
    if (!isPosix(file)) {
      return;
    }
    PosixFileAttributes attributes =
        Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    String named = place.name().isEmpty() ? file.toString() : place.name() + " " + file;
    if (attributes.isSymbolicLink()) {
      throw new UntrustedFileException(
          named
              + " is a symbolic link (to "
              + Files.readSymbolicLink(file)
              + "); jlive does not follow links to its secrets and runtime files",
          place.fix());
    }
    if (!attributes.isRegularFile()) {
      throw new UntrustedFileException(named + " is not a regular file", place.fix());
    }
    if (!attributes.owner().equals(owner)) {
      throw new UntrustedFileException(
          named
              + " is owned by "
              + attributes.owner().getName()
              + ", not by "
              + owner.getName()
              + ", so it does not come from jlive running as "
              + owner.getName(),
          place.fix());
    }
    Set<PosixFilePermission> forbidden = secret ? ANY_ACCESS_BY_OTHERS : WRITABLE_BY_OTHERS;
    if (attributes.permissions().stream().anyMatch(forbidden::contains)) {
      throw new UntrustedFileException(
          named
              + " has mode "
              + PosixFilePermissions.toString(attributes.permissions())
              + (secret
                  ? "; a file holding a token or a key must be readable by its owner only"
                  : "; other users could change it"),
          place.fix());
    }
  }

  /**
   * Writes {@code bytes} to {@code file} so that no one ever sees a partial or wider-open file: a
   * fresh temporary name is created exclusively with {@code mode} (never following a link), then
   * moved over {@code file}; a move replaces a link there instead of writing through it.
   */
  public static Path writeAtomically(Path file, byte[] bytes, String mode) throws IOException {
    Path temp = temporarySibling(file);
    Set<OpenOption> options =
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    try {
      try (SeekableByteChannel out =
          isPosix(file)
              ? Files.newByteChannel(temp, options, permissions(mode))
              : Files.newByteChannel(temp, options)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
      }
      try {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      return file;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * A fresh hidden name next to {@code file} for a temporary copy. It needs to be unique, not
   * secret: it is created with {@code CREATE_NEW} and no link following, in a folder only its owner
   * can write, so a name someone guessed can only make the write fail, never redirect it. Hence no
   * {@code SecureRandom}, whose first use sets up the JDK's security providers (slow in a busy JVM
   * the agent is attaching to).
   */
  static Path temporarySibling(Path file) {
    return file.resolveSibling(
        "."
            + file.getFileName()
            + "."
            + ProcessHandle.current().pid()
            + "."
            + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong())
            + ".tmp");
  }

  /** Reads a whole file without following a link in its place. */
  public static byte[] readNoFollow(Path file) throws IOException {
    try (SeekableByteChannel in =
        Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(8192);
      while (in.read(buffer) >= 0) {
        bytes.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      return bytes.toByteArray();
    }
  }

  public static FileAttribute<Set<PosixFilePermission>> permissions(String mode) {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode));
  }

  /**
   * What a checked folder or file is to jlive, for the messages: its name ("the controller's data
   * directory"), what to do about a bad one, and how to use another place instead.
   */
  public record Place(String name, String fix, String elsewhere) {
    static Place runtimeDirectory(Path dir) {
      return new Place(
          "the jlive runtime directory",
          "remove it (rm -r "
              + dir
              + ") if you do not know who made it, or set "
              + RuntimeDirectory.ENV
              + " to a folder of your own",
          "set " + RuntimeDirectory.ENV + " to a folder of your own");
    }
  }
}

package dev.jlive.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The file an agent writes to tell local clients how to reach it: {@code <runtime dir>/<pid>.json},
 * mode 0600, holding host, port and token. It exists exactly while the endpoint runs.
 */
public record Discovery(long pid, String host, int port, String token, String agentVersion, long startedAtMillis) {

  public static Path fileFor(Path runtimeDir, long pid) {
    return runtimeDir.resolve(pid + ".json");
  }

  /**
   * Writes the file so that it is never readable by others, not even for an instant: it is
   * created 0600 under a temporary name and then moved into place.
   */
  public Path writeTo(Path runtimeDir) throws IOException {
    RuntimeDirectory.ensure(runtimeDir);
    Path target = fileFor(runtimeDir, pid);
    Path temp = runtimeDir.resolve("." + pid + ".json.tmp");
    Files.deleteIfExists(temp);
    try {
      Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(temp);
    }
    Files.writeString(temp, Json.writePretty(toJson()), StandardCharsets.UTF_8);
    try {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  /** Reads the discovery file of a pid, empty when there is none. */
  public static Optional<Discovery> read(Path runtimeDir, long pid) throws IOException {
    Path file = fileFor(runtimeDir, pid);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(fromJson(Json.parseObject(Files.readString(file, StandardCharsets.UTF_8))));
    } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
      throw new IOException("discovery file " + file + " is damaged (" + e.getMessage() + "); delete it and attach again", e);
    }
  }

  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("pid", pid);
    json.put("host", host);
    json.put("port", port);
    json.put("token", token);
    json.put("agentVersion", agentVersion);
    json.put("startedAtMillis", startedAtMillis);
    return json;
  }

  static Discovery fromJson(Map<String, Object> json) {
    return new Discovery(
        ((Number) json.get("pid")).longValue(),
        (String) json.get("host"),
        ((Number) json.get("port")).intValue(),
        (String) json.get("token"),
        (String) json.get("agentVersion"),
        ((Number) json.get("startedAtMillis")).longValue());
  }
}

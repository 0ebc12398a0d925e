package dev.jlive.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The file an agent writes to tell local clients how to reach it: {@code <runtime dir>/<pid>.json},
 * mode 0600, holding host, port and token. It exists while the endpoint runs, and is left behind
 * only when the JVM dies without running its shutdown hooks (kill -9, an OutOfMemoryError that
 * kills it); {@link #whyStale()} tells such a file apart by the process's start time.
 *
 * @param processStartedAtMillis when the JVM process started, 0 if unknown (files from older
 *     agents)
 * @param processStartTicks when the JVM process started in the kernel's clock ticks since boot
 *     ({@code /proc/PID/stat}), 0 if unknown (not Linux, or files from older agents): unlike the
 *     instant, it does not move when the wall clock is stepped
 */
public record Discovery(
    long pid,
    String host,
    int port,
    String token,
    String agentVersion,
    long startedAtMillis,
    long processStartedAtMillis,
    long processStartTicks)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of(
          "pid",
          "host",
          "port",
          "token",
          "agentVersion",
          "startedAtMillis",
          "processStartedAtMillis",
          "processStartTicks");

  /**
   * Start instants are computed from clock ticks since boot: two readings of one process agree well
   * within this.
   */
  private static final Duration SAME_START = Duration.ofSeconds(1);

  public Discovery {
    if (port < 1 || port > 65535) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the discovery file's 'port' must be from 1 to 65535, not " + port,
          "write the port the endpoint listens on");
    }
  }

  public Discovery(
      long pid, String host, int port, String token, String agentVersion, long startedAtMillis) {
    this(pid, host, port, token, agentVersion, startedAtMillis, 0, 0);
  }

  public static Path fileFor(Path runtimeDir, long pid) {
    return runtimeDir.resolve(pid + ".json");
  }

  /**
   * When the process {@code pid} started, in clock ticks since boot, 0 if that cannot be told (not
   * Linux). The 22nd field of {@code /proc/PID/stat}, counted after the command name's closing
   * parenthesis, since the name may hold spaces and parentheses.
   */
  public static long processStartTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[19]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** When the process {@code pid} started, 0 if that cannot be told. */
  public static long processStartMillis(long pid) {
    return ProcessHandle.of(pid)
        .flatMap(process -> process.info().startInstant())
        .map(Instant::toEpochMilli)
        .orElse(0L);
  }

  /**
   * Writes the file so that it is never readable by others, not even for an instant, into a runtime
   * directory that is checked to be ours (see {@link RuntimeDirectory#ensure}): it is created 0600
   * under a fresh temporary name, never through a link, and then moved into place.
   */
  public Path writeTo(Path runtimeDir) throws IOException {
    RuntimeDirectory.ensure(runtimeDir);
    return FileTrust.writeAtomically(
        fileFor(runtimeDir, pid),
        Json.writePretty(toJson()).getBytes(StandardCharsets.UTF_8),
        "rw-------");
  }

  /** Reads the discovery file of a pid of our own user, empty when there is none. */
  public static Optional<Discovery> read(Path runtimeDir, long pid) throws IOException {
    return read(runtimeDir, pid, FileTrust.currentUser());
  }

  /**
   * Reads the discovery file of a pid, empty when there is none. Only a file that the JVM's own
   * user wrote speaks for that JVM: the folder and the file must be owned by {@code owner},
   * writable by nobody else, and not links; anything else is refused with an {@link
   * UntrustedFileException}, since a file planted by another user would send the token and every
   * request to an endpoint of theirs.
   */
  public static Optional<Discovery> read(Path runtimeDir, long pid, UserPrincipal owner)
      throws IOException {
    Path file = fileFor(runtimeDir, pid);
    if (!Files.exists(runtimeDir, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    FileTrust.checkDirectory(runtimeDir, owner);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    byte[] content;
    try {
      FileTrust.checkFile(file, owner, true);
      content = FileTrust.readNoFollow(file);
    } catch (NoSuchFileException removedMeanwhile) {
      // A stopping agent removes its file: `jlive detach` polls for exactly that.
      return Optional.empty();
    }
    try {
      return Optional.of(fromWire(Json.parseObject(new String(content, StandardCharsets.UTF_8))));
    } catch (IllegalArgumentException | JLiveException e) {
      throw new IOException(
          "discovery file "
              + file
              + " is damaged ("
              + e.getMessage()
              + "); delete it and attach again",
          e);
    }
  }

  /**
   * Why this file no longer describes a running agent's JVM, or empty if it may: the pid is gone,
   * or it now belongs to a process that started at another time (the pid was reused).
   *
   * <p>The start in clock ticks since boot decides where both sides have it. The instants do only
   * where not: a JVM computes a process's start instant from the boot time it read once, when it
   * started, and a wall clock stepped in between (by NTP, or by a VM's host) makes two JVMs differ
   * by the step for the same process. CI saw that: after a 6 s step, every JVM started later wrote
   * a start 6 s off the CLI's reading, and the CLI took their files for stale.
   */
  public Optional<String> whyStale() {
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) {
      return Optional.of("pid " + pid + " no longer runs");
    }
    long ticksNow = processStartTicks > 0 ? processStartTicks(pid) : 0;
    if (ticksNow > 0) {
      return ticksNow == processStartTicks
          ? Optional.empty()
          : Optional.of(
              "pid "
                  + pid
                  + " now belongs to a process started at tick "
                  + ticksNow
                  + " since boot, not the one started at tick "
                  + processStartTicks
                  + " that wrote it");
    }
    if (processStartedAtMillis > 0) {
      Optional<Instant> started = process.get().info().startInstant();
      if (started.isPresent()
          && Duration.between(started.get(), Instant.ofEpochMilli(processStartedAtMillis))
                  .abs()
                  .compareTo(SAME_START)
              > 0) {
        return Optional.of(
            "pid "
                + pid
                + " now belongs to a process started at "
                + started.get()
                + ", not the one started at "
                + Instant.ofEpochMilli(processStartedAtMillis)
                + " that wrote it");
      }
    }
    return Optional.empty();
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("pid", pid)
        .put("host", host)
        .put("port", port)
        .put("token", token)
        .put("agentVersion", agentVersion)
        .put("startedAtMillis", startedAtMillis)
        .put("processStartedAtMillis", processStartedAtMillis)
        .put("processStartTicks", processStartTicks)
        .toMap();
  }

  /**
   * Reads a discovery file's content, tolerant: an agent of a newer version may write more fields.
   */
  static Discovery fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the discovery file", FIELDS);
    return new Discovery(
        body.requireLong("pid", 1, Long.MAX_VALUE),
        body.requireString("host", "\"127.0.0.1\""),
        (int) body.requireLong("port", 0, 65535),
        body.requireString("token", "\"...\""),
        body.requireString("agentVersion", "\"0.1.0\""),
        body.requireLong("startedAtMillis", 0, Long.MAX_VALUE),
        body.optionalLong("processStartedAtMillis", 0, 0, Long.MAX_VALUE),
        body.optionalLong("processStartTicks", 0, 0, Long.MAX_VALUE));
  }
}

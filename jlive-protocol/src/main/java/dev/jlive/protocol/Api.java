package dev.jlive.protocol;

/** Paths and headers of an agent's control endpoint. Every answer is JSON. */
public final class Api {
  private Api() {}

  /** Sent as {@code Authorization: Bearer <token>}; every request without it gets 401. */
  public static final String AUTHORIZATION = "Authorization";

  public static final String BEARER = "Bearer ";

  /** Who asked for a request, recorded with every change; set by the CLI from the OS user. */
  public static final String USER_HEADER = "X-JLive-User";

  public static final String INFO = "/v1/info";
  public static final String THREADS = "/v1/threads";
  public static final String CLASSES = "/v1/classes";
  public static final String METHODS = "/v1/methods";
  public static final String DETACH = "/v1/detach";

  /** GET lists, POST adds, DELETE ({@code ?id=} or {@code ?all=true}) removes. */
  public static final String PROBES = "/v1/probes";

  /** Probe events after a sequence number ({@code ?after=&probe=&waitMillis=}). */
  public static final String EVENTS = "/v1/events";

  public static final String PROBE_METRICS = "/v1/metrics";

  /** GET lists the ledger; DELETE ({@code ?id=}) takes back a change, probe or patch. */
  public static final String CHANGES = "/v1/changes";

  /**
   * POST applies (sources or class files), GET lists or shows one ({@code ?id=}; with {@code
   * ?sources=true} the list carries the recent source patches' sources), DELETE reverts ({@code
   * ?id=}).
   */
  public static final String PATCHES = "/v1/patches";

  /**
   * Shadow runs of a candidate patch: POST starts one, GET lists them or reports one ({@code
   * ?id=}), DELETE ({@code ?id=}) drops one.
   */
  public static final String SHADOWS = "/v1/shadows";

  /** POST ({@code ?id=}) installs a shadow's candidate as an ordinary patch. */
  public static final String SHADOW_PROMOTE = "/v1/shadows/promote";

  /**
   * Recordings of a method's calls: POST starts one, GET reports one ({@code ?id=}), DELETE ({@code
   * ?id=}) ends one.
   */
  public static final String RECORDINGS = "/v1/recordings";

  /** GET ({@code ?id=}) the record file of a recording, base64 in {@code "file"}. */
  public static final String RECORDING_FILE = "/v1/recordings/file";

  /** POST replays a record file inside the JVM against a candidate patch, installing nothing. */
  public static final String REPLAYS = "/v1/replays";

  /** Size and SHA-256 of the bytes a class runs now ({@code ?class=&loader=}). */
  public static final String BYTECODE = "/v1/bytecode";

  /**
   * The side-effect check of a method ({@code ?class=&method=&descriptor=&loader=}): may it run a
   * second time on the same inputs without changing anything? Changes nothing itself.
   */
  public static final String SIDE_EFFECTS = "/v1/side-effects";

  /** Probe metrics in Prometheus text format. */
  public static final String PROMETHEUS = "/metrics";
}

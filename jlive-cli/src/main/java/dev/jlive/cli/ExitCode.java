package dev.jlive.cli;

/** Exit codes scripts can rely on; the README lists them. */
public final class ExitCode {
  private ExitCode() {}

  public static final int OK = 0;

  /** Something unexpected failed; the message says what. */
  public static final int ERROR = 1;

  /** The command line was wrong. */
  public static final int USAGE = 2;

  /** No such process, or it is not a JVM. */
  public static final int NO_SUCH_PROCESS = 3;

  /** The JVM refuses to let the agent in (attach disabled, another user, dynamic loading off). */
  public static final int ATTACH_REFUSED = 4;

  /** The JVM runs, but without the jlive agent. */
  public static final int NOT_ATTACHED = 5;

  /** The agent's endpoint cannot be reached. */
  public static final int UNREACHABLE = 6;

  /** The endpoint (agent or controller) refused the token. */
  public static final int UNAUTHORIZED = 7;

  /**
   * The agent or the controller answered with an error (bad request, unknown class, unknown
   * service, ...).
   */
  public static final int AGENT_ERROR = 8;

  /**
   * A change sent to a service (or taken back) did not reach the wanted state on every process:
   * some failed or were unreachable, or had not reported when the wait timed out.
   */
  public static final int PARTIAL = 9;

  /** {@code jlive audit verify}: the audit log's chain is broken (a record edited or missing). */
  public static final int AUDIT_BROKEN = 10;

  /**
   * The command ran, and found what it looks for: a method that is not repeatable ({@code jlive
   * check}), a replayed call whose outcome differs from the recorded one ({@code jlive replay}).
   */
  public static final int DIFFERS = 11;
}

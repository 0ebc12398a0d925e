package dev.jlive.agent.inspect;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A user's regular expression ({@code jlive threads --grep}) run on a budget. Java's regex engine
 * backtracks, so an expression such as {@code (?:.*\\w){12}!} can take polynomial time of high
 * degree (or exponential) on a long line; one did keep an endpoint worker busy long after its
 * client had left. The text is handed to the matcher through a {@link CharSequence} that counts the
 * characters read and stops the match (by throwing) once the step budget or the time budget is
 * spent, or when the worker is interrupted because the client went away.
 */
public final class GrepFilter {
  static final int MAX_LENGTH = 1_000;

  /** Characters read over the whole request: plenty for any dump with a sane expression. */
  static final long DEFAULT_STEPS = 20_000_000L;

  static final long DEFAULT_MILLIS = 2_000;

  private final Pattern pattern;
  private final String text;
  private final long deadlineNanos;
  private final long maxSteps;
  private long steps;

  private GrepFilter(Pattern pattern, String text, long maxSteps, long maxMillis) {
    this.pattern = pattern;
    this.text = text;
    this.maxSteps = maxSteps;
    this.deadlineNanos = System.nanoTime() + maxMillis * 1_000_000L;
  }

  /** The filter for one request, or null when there is no expression; the budgets start now. */
  public static GrepFilter compile(String grep) {
    return compile(grep, DEFAULT_STEPS, DEFAULT_MILLIS);
  }

  static GrepFilter compile(String grep, long maxSteps, long maxMillis) {
    if (grep == null) {
      return null;
    }
    if (grep.length() > MAX_LENGTH) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "--grep has " + grep.length() + " characters; at most " + MAX_LENGTH + " are allowed",
          "grep for a shorter expression, e.g. a class or thread name");
    }
    try {
      return new GrepFilter(Pattern.compile(grep), grep, maxSteps, maxMillis);
    } catch (PatternSyntaxException e) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "--grep is not a valid regular expression: " + e.getDescription(),
          "quote the pattern for the shell and escape regex characters such as . $ ( [");
    }
  }

  /** Whether the expression occurs in {@code line}; throws once the request's budget is spent. */
  public boolean find(String line) {
    try {
      return pattern.matcher(new Counted(line)).find();
    } catch (BudgetSpent spent) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "--grep '"
              + (text.length() > 60 ? text.substring(0, 60) + "..." : text)
              + "' "
              + spent.getMessage()
              + "; the expression backtracks too much",
          "simplify it: avoid nested or overlapping repetition such as (a+)+ or (a|a)*; a plain word is enough to grep a dump");
    }
  }

  /** The text, read through a meter. */
  private final class Counted implements CharSequence {
    private final String line;

    Counted(String line) {
      this.line = line;
    }

    @Override
    public char charAt(int index) {
      if (++steps > maxSteps) {
        throw new BudgetSpent("read more than " + maxSteps + " characters");
      }
      if ((steps & 0xFFF) == 0) {
        if (System.nanoTime() - deadlineNanos > 0) {
          throw new BudgetSpent("ran out of its time budget");
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new BudgetSpent("was cancelled");
        }
      }
      return line.charAt(index);
    }

    @Override
    public int length() {
      return line.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new Counted(line.substring(start, end));
    }

    @Override
    public String toString() {
      return line;
    }
  }

  private static final class BudgetSpent extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BudgetSpent(String why) {
      super(why, null, false, false);
    }
  }
}

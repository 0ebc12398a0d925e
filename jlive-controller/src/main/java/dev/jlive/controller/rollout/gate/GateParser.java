package dev.jlive.controller.rollout.gate;

import dev.jlive.controller.rollout.gate.Term.Binary;
import dev.jlive.controller.rollout.gate.Term.Control;
import dev.jlive.controller.rollout.gate.Term.Dimension;
import dev.jlive.controller.rollout.gate.Term.Literal;
import dev.jlive.controller.rollout.gate.Term.Read;
import dev.jlive.controller.rollout.gate.Term.ShadowRead;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Printable;
import dev.jlive.protocol.StrictObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a gate by recursive descent, one character at a time, so that every error can name the
 * character it is at:
 *
 * <pre>
 * gate    := sum COMPARISON sum
 * sum     := product (('+' | '-') product)*
 * product := unary ('*' unary)*
 * unary   := '-' unary | primary
 * primary := NUMBER [ms | us | s | %] | METRIC | probe:ID.METRIC | control | '(' sum ')'
 * </pre>
 *
 * Durations and plain numbers are kept apart ({@code p99 <= 2} is refused with a hint to write
 * {@code 2ms}), and {@code control} stands for the left side's one metric over the control group.
 */
final class GateParser {
  /** Longer gates are refused: a real gate is a line, and the parser's cost is its length. */
  static final int MAX_LENGTH = 300;

  /** Deeper parentheses are refused, so that recursion stays shallow whatever the input. */
  static final int MAX_DEPTH = 20;

  static final String FORMS =
      "write METRIC OP EXPRESSION, e.g. 'errors <= 1.1 * control + 0.001', "
          + "'p99 <= 1.2 * control + 2ms' or 'probe:c7.p99 <= 50ms'; metrics: "
          + Metric.names()
          + "; before the first wave "
          + ShadowFigure.names()
          + "; units ms, us, s and %; operators + - * ( ) and <= < >= > ==";

  private static final Set<String> NAMES =
      Set.of(
          "calls",
          "errors",
          "exceptions",
          "p50",
          "p90",
          "p99",
          "max",
          "mean",
          "control",
          "probe",
          "shadow.compared",
          "shadow.equal",
          "shadow.expected",
          "shadow.unexpected",
          "shadow.exceptions",
          "ms",
          "us",
          "s");

  private final String text;
  private int at;
  private int depth;

  /** The left side's metric, which {@code control} on the right reads over the control group. */
  private Read subject;

  private boolean subjectAmbiguous;
  private boolean onRight;

  private GateParser(String text) {
    this.text = text;
  }

  static Gate parse(String written) {
    if (written == null || written.isBlank()) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "the gate is empty", FORMS);
    }
    if (written.length() > MAX_LENGTH) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the gate has "
              + written.length()
              + " characters; at most "
              + MAX_LENGTH
              + " are allowed",
          "split it into several --gate options");
    }
    return new GateParser(written).gate();
  }

  private Gate gate() {
    Term left = sum();
    List<Read> reads = new ArrayList<>();
    collectReads(left, reads);
    Set<String> distinct = new LinkedHashSet<>();
    for (Read read : reads) {
      distinct.add(read.probe() + "/" + read.metric() + "/" + read.exceptionType());
    }
    subject = reads.isEmpty() ? null : reads.get(0);
    subjectAmbiguous = distinct.size() > 1;
    skipSpaces();
    int comparisonAt = at;
    Gate.Comparison comparison = comparison();
    if (comparison == null) {
      throw error(
          atEnd() ? "it needs a comparison" : "expected a comparison (<=, <, >=, >, ==)",
          comparisonAt);
    }
    onRight = true;
    Term right = sum();
    skipSpaces();
    if (!atEnd()) {
      int secondAt = at;
      if (comparison() != null) {
        throw error("a gate has one comparison; give several --gate options instead", secondAt);
      }
      throw error("unexpected '" + shown(at) + "'", at);
    }
    if (left.dimension() != right.dimension()) {
      throw error(
          "it compares "
              + describe(left.dimension())
              + " with "
              + describe(right.dimension())
              + (left.dimension() == Dimension.DURATION
                  ? "; give the right side a unit, e.g. 50ms"
                  : "; compare durations with durations"),
          comparisonAt);
    }
    Gate gate = new Gate(text, left, comparison, right);
    if (gate.readsShadow() && !gate.reads().isEmpty()) {
      throw error(
          "a gate reads the shadow before the first wave or the waves' metrics, not both;"
              + " give two --gate options",
          0);
    }
    return gate;
  }

  private Term sum() {
    Term term = product();
    while (true) {
      skipSpaces();
      if (!atEnd() && (peek() == '+' || peek() == '-')) {
        char operator = peek();
        int operatorAt = at;
        at++;
        Term right = product();
        if (term.dimension() != right.dimension()) {
          throw error(
              "cannot "
                  + (operator == '+' ? "add " : "subtract ")
                  + describe(right.dimension())
                  + (operator == '+' ? " to " : " from ")
                  + describe(term.dimension())
                  + (term.dimension() == Dimension.DURATION ? "; give it a unit, e.g. 2ms" : ""),
              operatorAt);
        }
        term = new Binary(operator, term, right, term.dimension());
      } else {
        return term;
      }
    }
  }

  private Term product() {
    Term term = unary();
    while (true) {
      skipSpaces();
      if (!atEnd() && peek() == '*') {
        int operatorAt = at;
        at++;
        Term right = unary();
        if (term.dimension() == Dimension.DURATION && right.dimension() == Dimension.DURATION) {
          throw error("cannot multiply two durations", operatorAt);
        }
        Dimension dimension =
            term.dimension() == Dimension.DURATION || right.dimension() == Dimension.DURATION
                ? Dimension.DURATION
                : Dimension.NUMBER;
        term = new Binary('*', term, right, dimension);
      } else {
        return term;
      }
    }
  }

  private Term unary() {
    skipSpaces();
    if (!atEnd() && peek() == '-') {
      int minusAt = at;
      at++;
      Term negated = unary();
      if (negated instanceof Literal literal) {
        return new Literal(
            -literal.value(), literal.dimension(), "-" + literal.written(), minusAt + 1);
      }
      return new Binary(
          '*', new Literal(-1, Dimension.NUMBER, "-", minusAt + 1), negated, negated.dimension());
    }
    return primary();
  }

  private Term primary() {
    skipSpaces();
    if (atEnd()) {
      throw error("it ends where a metric, a number or '(' should come", at);
    }
    char c = peek();
    if (c == '(') {
      int openAt = at;
      if (++depth > MAX_DEPTH) {
        throw error("more than " + MAX_DEPTH + " nested parentheses", at);
      }
      at++;
      Term inner = sum();
      skipSpaces();
      if (atEnd() || peek() != ')') {
        throw error("the '(' here is not closed", openAt);
      }
      at++;
      depth--;
      return inner;
    }
    if (Character.isDigit(c) || c == '.') {
      return number();
    }
    if (Character.isLetter(c) || c == '_') {
      return name();
    }
    throw error("unexpected '" + shown(at) + "'", at);
  }

  private Term number() {
    int start = at;
    while (!atEnd() && (Character.isDigit(peek()) || peek() == '.')) {
      at++;
    }
    String digits = text.substring(start, at);
    if (!digits.matches("\\d+(\\.\\d+)?")) {
      throw error("'" + digits + "' is not a number", start);
    }
    double value = Double.parseDouble(digits);
    if (!atEnd() && peek() == '%') {
      at++;
      return new Literal(value / 100, Dimension.NUMBER, text.substring(start, at), start + 1);
    }
    // A unit may follow directly (2ms) or after a space (2 ms).
    int afterNumber = at;
    skipSpaces();
    int unitAt = at;
    while (!atEnd() && Character.isLetter(peek())) {
      at++;
    }
    String unit = text.substring(unitAt, at);
    double millis;
    switch (unit) {
      case "ms" -> millis = value;
      case "us" -> millis = value / 1_000;
      case "s" -> millis = value * 1_000;
      default -> {
        if (unitAt == afterNumber && !unit.isEmpty()) {
          throw error("'" + unit + "' is not a unit; use ms, us or s", unitAt);
        }
        at = afterNumber;
        return new Literal(value, Dimension.NUMBER, digits, start + 1);
      }
    }
    return new Literal(millis, Dimension.DURATION, text.substring(start, at).trim(), start + 1);
  }

  private Term name() {
    int start = at;
    while (!atEnd() && (Character.isLetterOrDigit(peek()) || "_$.:".indexOf(peek()) >= 0)) {
      at++;
    }
    String name = text.substring(start, at);
    if (name.equals("control")) {
      return control(start);
    }
    if (name.startsWith("shadow.")) {
      return shadowRead(name, start);
    }
    String probe = null;
    String metricName = name;
    int metricAt = start;
    if (name.startsWith("probe:")) {
      int dot = name.indexOf('.');
      probe = name.substring("probe:".length(), dot < 0 ? name.length() : dot);
      if (!probe.matches("c\\d+")) {
        throw error(
            "'" + probe + "' is not a fleet change id; write probe:cN.METRIC, e.g. probe:c7.p99",
            start + "probe:".length());
      }
      if (dot < 0 || dot == name.length() - 1) {
        throw error("probe:" + probe + " needs a metric, e.g. probe:" + probe + ".p99", start);
      }
      metricName = name.substring(dot + 1);
      metricAt = start + dot + 1;
    }
    String exceptionType = null;
    if (metricName.startsWith("exceptions.")) {
      exceptionType = metricName.substring("exceptions.".length());
      metricName = "exceptions";
      if (!exceptionType.matches("[\\w$]+(\\.[\\w$]+)*")) {
        throw error(
            "'" + exceptionType + "' is not an exception class name",
            metricAt + "exceptions.".length());
      }
    }
    Metric metric = Metric.named(metricName);
    if (metric == null) {
      String nearest = StrictObject.nearest(metricName, NAMES);
      throw error(
          "unknown metric '"
              + Printable.escape(metricName)
              + "'"
              + (nearest == null ? "" : " (did you mean '" + nearest + "'?)"),
          metricAt);
    }
    return new Read(probe, metric, exceptionType, name, start + 1);
  }

  private Term shadowRead(String name, int start) {
    ShadowFigure figure = ShadowFigure.named(name);
    if (figure == null) {
      String nearest = StrictObject.nearest(name, NAMES);
      throw error(
          "unknown shadow figure '"
              + Printable.escape(name)
              + "'"
              + (nearest == null ? "" : " (did you mean '" + nearest + "'?)")
              + "; a shadow gate reads "
              + ShadowFigure.names(),
          start);
    }
    return new ShadowRead(figure, name, start + 1);
  }

  private Term control(int start) {
    if (!onRight) {
      throw error("'control' belongs on the right side, e.g. 'p99 <= 1.2 * control'", start);
    }
    if (subject == null) {
      throw error(
          "'control' is the left side's metric over the control group, and the left side has"
              + " no metric",
          start);
    }
    if (subjectAmbiguous) {
      throw error(
          "'control' is the left side's metric over the control group, and the left side has"
              + " several; give one metric on the left",
          start);
    }
    return new Control(subject, start + 1);
  }

  private static void collectReads(Term term, List<Read> reads) {
    if (term instanceof Read read) {
      reads.add(read);
    } else if (term instanceof Binary binary) {
      collectReads(binary.left(), reads);
      collectReads(binary.right(), reads);
    }
  }

  private Gate.Comparison comparison() {
    for (Gate.Comparison comparison : Gate.Comparison.LONGEST_FIRST) {
      if (text.startsWith(comparison.symbol(), at)) {
        at += comparison.symbol().length();
        return comparison;
      }
    }
    return null;
  }

  private static String describe(Dimension dimension) {
    return dimension == Dimension.DURATION ? "a duration" : "a number";
  }

  private void skipSpaces() {
    while (!atEnd() && Character.isWhitespace(peek())) {
      at++;
    }
  }

  private boolean atEnd() {
    return at >= text.length();
  }

  private char peek() {
    return text.charAt(at);
  }

  private String shown(int index) {
    return Printable.escape(String.valueOf(text.charAt(index)));
  }

  /** {@code index} counts from 0; people count characters from 1. */
  private JLiveException error(String why, int index) {
    return new JLiveException(
        ErrorCode.BAD_REQUEST,
        "gate '" + Printable.escape(text) + "': " + why + " at character " + (index + 1),
        FORMS);
  }
}

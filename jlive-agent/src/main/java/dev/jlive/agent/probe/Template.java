package dev.jlive.agent.probe;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A log probe's message: text with {@code {placeholders}}, parsed and resolved once when the probe
 * is added, so a call only reads values and joins strings.
 *
 * <p>Placeholders: a parameter by name ({@code {quantity}}, when the class has debug information or
 * was compiled with {@code -parameters}) or position ({@code {args[1]}}, {@code {args}} for all);
 * {@code {this}} and its fields ({@code {this.items}}, {@code {this.owner.name}}); {@code
 * {return}}, {@code {thrown}}, {@code {elapsed}} (milliseconds), {@code {thread}}, {@code
 * {method}}. {@code {{} and {@code }}} write braces. Anything else in braces is a Java expression
 * over the same names ({@code {quantity * priceCents}}, {@code {this.items.size()}}), compiled in
 * the target like a {@code --when} condition and checked to be read-only.
 */
final class Template {
  /** A placeholder that names a value; anything else in braces is a Java expression. */
  private static final Pattern REFERENCE =
      Pattern.compile("(args\\[\\d+]|[A-Za-z_$][\\w$]*)(\\.[A-Za-z_$][\\w$]*)*");

  private final List<Function<ProbeCall, String>> parts;
  private final List<ProbeExpression> expressions;

  private Template(List<Function<ProbeCall, String>> parts, List<ProbeExpression> expressions) {
    this.parts = parts;
    this.expressions = expressions;
  }

  List<ProbeExpression> expressions() {
    return expressions;
  }

  /**
   * @param parameterNames the probed method's parameter names, or null where they are unknown
   * @param methodName how {@code {method}} renders
   */
  static Template parse(
      String text, List<String> parameterNames, String methodName, ProbeExpression.Scope scope) {
    List<Function<ProbeCall, String>> parts = new ArrayList<>();
    List<ProbeExpression> expressions = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c == '{' || c == '}') && i + 1 < text.length() && text.charAt(i + 1) == c) {
        literal.append(c);
        i++;
      } else if (c == '{') {
        int close = text.indexOf('}', i);
        if (close < 0) {
          throw bad(
              "the placeholder at position " + i + " of the template is not closed",
              "close it with }, or write {{ for a brace");
        }
        if (literal.length() > 0) {
          String fixed = literal.toString();
          parts.add(call -> fixed);
          literal.setLength(0);
        }
        String inside = text.substring(i + 1, close).trim();
        if (REFERENCE.matcher(inside).matches()) {
          parts.add(placeholder(inside, i, parameterNames, methodName));
        } else {
          ProbeExpression expression = ProbeExpression.value(inside, scope);
          expressions.add(expression);
          parts.add(
              call -> {
                try {
                  return ValueRenderer.text(expression.value(call));
                } catch (Throwable failure) {
                  throw new ExpressionFailed(failure);
                }
              });
        }
        i = close;
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      String fixed = literal.toString();
      parts.add(call -> fixed);
    }
    return new Template(List.copyOf(parts), List.copyOf(expressions));
  }

  /** A template expression threw: the probe counts it as its own failure. */
  static final class ExpressionFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ExpressionFailed(Throwable cause) {
      super(cause.toString(), cause);
    }
  }

  String render(ProbeCall call) {
    StringBuilder out = new StringBuilder();
    for (Function<ProbeCall, String> part : parts) {
      out.append(part.apply(call));
    }
    return out.toString();
  }

  private static Function<ProbeCall, String> placeholder(
      String name, int position, List<String> parameterNames, String methodName) {
    String[] path = name.split("\\.");
    String head = path[0];
    Function<ProbeCall, Object> root =
        switch (head) {
          case "args" -> call -> call.args();
          case "this" -> ProbeCall::self;
          case "return", "returned" -> ProbeCall::returned;
          case "thrown" -> ProbeCall::thrown;
          case "elapsed" -> call -> String.format("%.3f", call.elapsedNanos() / 1_000_000.0);
          case "thread" -> call -> Thread.currentThread().getName();
          case "method" -> call -> methodName;
          default -> argument(head, position, parameterNames);
        };
    if (path.length == 1) {
      return head.equals("elapsed") || head.equals("thread") || head.equals("method")
          ? call -> String.valueOf(root.apply(call))
          : call -> ValueRenderer.text(root.apply(call));
    }
    FieldCache[] fields = new FieldCache[path.length];
    for (int i = 1; i < path.length; i++) {
      fields[i] = new FieldCache(path[i]);
    }
    return call -> {
      Object value = root.apply(call);
      for (int i = 1; i < path.length && value != null; i++) {
        value = fields[i].read(value);
      }
      return ValueRenderer.text(value);
    };
  }

  private static Function<ProbeCall, Object> argument(
      String head, int position, List<String> parameterNames) {
    if (head.matches("args\\[\\d+]")) {
      int index = Integer.parseInt(head.substring(5, head.length() - 1));
      return call -> index < call.args().length ? call.args()[index] : "<no args[" + index + "]>";
    }
    int index = parameterNames == null ? -1 : parameterNames.indexOf(head);
    if (index < 0) {
      throw bad(
          "the template names '"
              + head
              + "' (at position "
              + position
              + "), which the method does not have",
          "use "
              + (parameterNames == null || parameterNames.isEmpty()
                  ? ""
                  : String.join(", ", parameterNames) + ", ")
              + "args[N], this, this.FIELD, return, thrown, elapsed, thread or method");
    }
    return call -> call.args()[index];
  }

  /**
   * Reads one field of a placeholder's path. The field is found once per class (a path usually
   * meets one class) and kept here, in the probe's own template, so no application class holds a
   * reference back to the agent. A miss renders as a marker, never throws.
   */
  private static final class FieldCache {
    /** One class and its field (null when it has none): read and written as one value. */
    private record Found(Class<?> type, Field field) {}

    private final String name;
    private volatile Found last;

    FieldCache(String name) {
      this.name = name;
    }

    Object read(Object target) {
      Class<?> type = target.getClass();
      Found found = last;
      if (found == null || found.type() != type) {
        found = new Found(type, find(type));
        last = found;
      }
      Field field = found.field();
      if (field == null) {
        return "<no field " + name + " in " + type.getSimpleName() + " (or it is not accessible)>";
      }
      try {
        return field.get(target);
      } catch (IllegalAccessException e) {
        return "<" + name + " not accessible>";
      }
    }

    private Field find(Class<?> start) {
      for (Class<?> type = start; type != null; type = type.getSuperclass()) {
        for (Field field : type.getDeclaredFields()) {
          if (field.getName().equals(name)) {
            return field.trySetAccessible() ? field : null;
          }
        }
      }
      return null;
    }
  }

  private static JLiveException bad(String message, String hint) {
    return new JLiveException(ErrorCode.BAD_REQUEST, message, hint);
  }
}

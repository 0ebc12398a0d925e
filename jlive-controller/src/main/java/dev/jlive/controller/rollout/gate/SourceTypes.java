package dev.jlive.controller.rollout.gate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The classes a Java source file declares and the methods declared directly in each, read without a
 * compiler (the controller has none): comments, strings, character literals and text blocks are
 * blanked first, then the tokens are walked with the depth of braces. A method is a name followed
 * by a parameter list, right inside a class body, after a type or modifier; a field initializer, an
 * annotation, an enum constant or a call are not. Local and anonymous classes (inside a method or
 * an initializer) are not named: they are not the methods a probe on the patch's classes covers.
 */
final class SourceTypes {
  /** A class by binary name ({@code com.acme.Outer$Inner}) and its declared methods. */
  record Type(String binaryName, Set<String> methods) {}

  private static final Set<String> TYPE_KEYWORDS = Set.of("class", "interface", "enum", "record");
  private static final Set<String> NOT_A_RETURN_TYPE =
      Set.of("new", "return", "throw", "yield", "else", "case", "assert", "package", "import");

  private SourceTypes() {}

  static List<Type> of(String source) {
    List<String> tokens = tokens(blanked(source));
    String packageName = "";
    List<Frame> found = new ArrayList<>();
    Deque<Frame> open = new ArrayDeque<>();
    int depth = 0;
    Frame pending = null;
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      String previous = i > 0 ? tokens.get(i - 1) : "";
      String next = i + 1 < tokens.size() ? tokens.get(i + 1) : "";
      if (token.equals("package") && depth == 0 && packageName.isEmpty()) {
        StringBuilder name = new StringBuilder();
        for (int j = i + 1; j < tokens.size() && !tokens.get(j).equals(";"); j++) {
          name.append(tokens.get(j));
          i = j;
        }
        packageName = name.toString();
      } else if (TYPE_KEYWORDS.contains(token)
          && !previous.equals(".")
          && isIdentifier(next)
          && (!token.equals("record") || isRecordHeader(tokens, i + 2))) {
        Frame outer = open.peek();
        boolean member = outer == null ? depth == 0 : !outer.ignored && depth == outer.bodyDepth;
        String binaryName =
            outer == null
                ? (packageName.isEmpty() ? next : packageName + "." + next)
                : outer.binaryName + "$" + next;
        pending = new Frame(binaryName, next, !member);
        i++;
      } else if (token.equals("{")) {
        depth++;
        if (pending != null) {
          pending.bodyDepth = depth;
          open.push(pending);
          if (!pending.ignored) {
            found.add(pending);
          }
          pending = null;
        }
      } else if (token.equals("}")) {
        if (!open.isEmpty() && open.peek().bodyDepth == depth) {
          open.pop();
        }
        depth--;
      } else if (next.equals("(")
          && isIdentifier(token)
          && pending == null
          && !open.isEmpty()
          && !open.peek().ignored
          && depth == open.peek().bodyDepth
          && (afterReturnType(previous) || isConstructor(token, previous, open.peek()))) {
        Frame type = open.peek();
        type.methods.add(token.equals(type.simpleName) ? "<init>" : token);
      }
    }
    List<Type> types = new ArrayList<>();
    for (Frame frame : found) {
      types.add(new Type(frame.binaryName, frame.methods));
    }
    return types;
  }

  /** A method's name comes after its return type or type parameters. */
  private static boolean afterReturnType(String previous) {
    return (isIdentifier(previous) || previous.equals(">") || previous.equals("]"))
        && !NOT_A_RETURN_TYPE.contains(previous)
        && !TYPE_KEYWORDS.contains(previous);
  }

  /**
   * A constructor is the class's own name; with no modifier it follows the end of the previous
   * member ({@code ;} or a brace) or an annotation's {@code )}.
   */
  private static boolean isConstructor(String name, String previous, Frame type) {
    return name.equals(type.simpleName)
        && !previous.equals(".")
        && !previous.equals("new")
        && !previous.equals("=")
        && !previous.equals("@");
  }

  /** {@code record Name(} or {@code record Name<}: not a variable named record. */
  private static boolean isRecordHeader(List<String> tokens, int afterName) {
    return afterName < tokens.size()
        && (tokens.get(afterName).equals("(") || tokens.get(afterName).equals("<"));
  }

  private static final class Frame {
    final String binaryName;
    final String simpleName;
    final boolean ignored;
    final Set<String> methods = new LinkedHashSet<>();
    int bodyDepth;

    Frame(String binaryName, String simpleName, boolean ignored) {
      this.binaryName = binaryName;
      this.simpleName = simpleName;
      this.ignored = ignored;
    }
  }

  private static boolean isIdentifier(String token) {
    return !token.isEmpty() && Character.isJavaIdentifierStart(token.charAt(0));
  }

  /** Identifiers (with their dots split off) and single characters of punctuation. */
  static List<String> tokens(String code) {
    List<String> tokens = new ArrayList<>();
    int i = 0;
    while (i < code.length()) {
      char c = code.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isJavaIdentifierStart(c)) {
        int start = i;
        while (i < code.length() && Character.isJavaIdentifierPart(code.charAt(i))) {
          i++;
        }
        tokens.add(code.substring(start, i));
      } else if (Character.isDigit(c)) {
        while (i < code.length()
            && (Character.isLetterOrDigit(code.charAt(i)) || code.charAt(i) == '.')) {
          i++;
        }
        tokens.add("0");
      } else {
        tokens.add(String.valueOf(c));
        i++;
      }
    }
    return tokens;
  }

  /**
   * The source with comments, strings, text blocks and character literals turned into spaces, so
   * that a brace or a "class" inside them is not read as code.
   */
  static String blanked(String source) {
    StringBuilder out = new StringBuilder(source);
    int i = 0;
    int n = source.length();
    while (i < n) {
      char c = source.charAt(i);
      if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
        int end = source.indexOf('\n', i);
        i = blank(out, i, end < 0 ? n : end);
      } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
        int end = source.indexOf("*/", i + 2);
        i = blank(out, i, end < 0 ? n : end + 2);
      } else if (source.startsWith("\"\"\"", i)) {
        int end = i + 3;
        while (end < n && !source.startsWith("\"\"\"", end)) {
          end += source.charAt(end) == '\\' ? 2 : 1;
        }
        i = blank(out, i, Math.min(n, end + 3));
      } else if (c == '"' || c == '\'') {
        int end = i + 1;
        while (end < n && source.charAt(end) != c && source.charAt(end) != '\n') {
          end += source.charAt(end) == '\\' ? 2 : 1;
        }
        i = blank(out, i, Math.min(n, end + 1));
      } else {
        i++;
      }
    }
    return out.toString();
  }

  private static int blank(StringBuilder out, int from, int to) {
    for (int i = from; i < to; i++) {
      if (out.charAt(i) != '\n') {
        out.setCharAt(i, ' ');
      }
    }
    return to;
  }
}

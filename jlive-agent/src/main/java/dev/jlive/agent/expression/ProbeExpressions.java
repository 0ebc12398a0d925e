package dev.jlive.agent.expression;

import dev.jlive.agent.compile.Compilation;
import dev.jlive.agent.compile.CompileOptions;
import dev.jlive.agent.compile.Compilers;
import dev.jlive.agent.compile.Problem;
import dev.jlive.agent.compile.SourceFile;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;

/**
 * Compiles a probe's Java expression (a {@code --when} condition) inside the target, against the
 * probed class's own loader, into a static method of a hidden class that is a nestmate of the
 * probed class. It runs as compiled code, and it can read private fields the way the class itself
 * does.
 *
 * <p>In the expression: parameters by name (with their declared types), {@code this}, {@code args}
 * (an {@code Object[]}; {@code args[i]} with a literal index reads the argument with its declared
 * type, so {@code args[0] > 10} needs no cast), and at exit {@code returned} and {@code thrown}.
 * Before it is defined, the compiled class is checked to hold that one expression and nothing else
 * ({@link ExpressionShape}), and its bytecode to be read-only and bounded ({@link ReadOnlyCheck})
 * unless the caller allowed side effects.
 */
public final class ProbeExpressions {
  /** How a compiled expression is called: (self, args, returned, thrown) to a boolean. */
  public static final MethodType CONDITION =
      MethodType.methodType(
          boolean.class, Object.class, Object[].class, Object.class, Throwable.class);

  /**
   * How a compiled template value is called: (self, args, returned, thrown) to any value, boxed.
   */
  public static final MethodType VALUE =
      MethodType.methodType(
          Object.class, Object.class, Object[].class, Object.class, Throwable.class);

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final String EXPRESSION_LINE_MARKER = "/*expression*/";

  /** The typed local that {@code args[i]} is read from: {@code args$i}. */
  private static final String TYPED_ARGUMENT = "args$";

  private ProbeExpressions() {}

  /**
   * A variable an expression can use: its name, its type as Java source names it, and the box of a
   * primitive type (null for references).
   */
  public record Variable(String name, String sourceType, String box) {

    public static Variable of(String name, TypeDescription type) {
      return new Variable(name, typeName(type), type.isPrimitive() ? boxOf(type.getName()) : null);
    }

    /** From a JVM descriptor, as local variable tables give them. */
    public static Variable fromDescriptor(String name, String descriptor) {
      int dimensions = 0;
      while (descriptor.charAt(dimensions) == '[') {
        dimensions++;
      }
      String element = descriptor.substring(dimensions);
      String base =
          switch (element.charAt(0)) {
            case 'Z' -> "boolean";
            case 'B' -> "byte";
            case 'C' -> "char";
            case 'S' -> "short";
            case 'I' -> "int";
            case 'J' -> "long";
            case 'F' -> "float";
            case 'D' -> "double";
            default ->
                element.substring(1, element.length() - 1).replace('/', '.').replace('$', '.');
          };
      String type = base + "[]".repeat(dimensions);
      boolean primitive = dimensions == 0 && element.charAt(0) != 'L';
      return new Variable(name, type, primitive ? boxOf(base) : null);
    }
  }

  /**
   * The agent's Instrumentation, needed to reach the JVM's trusted lookup (see {@link
   * NestmateLookup}).
   */
  public static void initialise(Instrumentation instrumentation) {
    NestmateLookup.initialise(instrumentation);
  }

  /** A lookup with full privileges in {@code type}, for the safe point's re-invocations. */
  public static MethodHandles.Lookup trustedLookupIn(Class<?> type)
      throws ReflectiveOperationException {
    return NestmateLookup.in(type);
  }

  /** The variables of a method's parameters, named when the class file names them. */
  public static List<Variable> parameters(MethodDescription method) {
    List<Variable> variables = new ArrayList<>();
    int index = 0;
    for (ParameterDescription parameter : method.getParameters()) {
      variables.add(
          Variable.of(
              parameter.isNamed() ? parameter.getName() : "arg" + index,
              parameter.getType().asErasure()));
      index++;
    }
    return variables;
  }

  /**
   * Compiles a condition.
   *
   * @param variables what {@code args[i]} holds, in order, by name
   * @param returned the return value's variable at exit, or null (entry, line, void methods)
   * @param atExit true when {@code thrown} is known (exit and exception points)
   */
  public static MethodHandle condition(
      Class<?> target,
      boolean isStatic,
      List<Variable> variables,
      Variable returned,
      boolean atExit,
      String expression,
      boolean allowSideEffects) {
    return compile(
        target,
        isStatic,
        variables,
        returned,
        atExit,
        expression,
        allowSideEffects,
        CONDITION,
        "the condition");
  }

  /** Compiles a template placeholder's expression; its value is rendered like any other. */
  public static MethodHandle value(
      Class<?> target,
      boolean isStatic,
      List<Variable> variables,
      Variable returned,
      boolean atExit,
      String expression,
      boolean allowSideEffects) {
    return compile(
        target,
        isStatic,
        variables,
        returned,
        atExit,
        expression,
        allowSideEffects,
        VALUE,
        "the template expression");
  }

  /**
   * Compiles a condition at a method's entry into a method that takes the receiver (unless {@code
   * isStatic}) and the method's arguments with their declared types, so that woven code can test it
   * without boxing anything. Only for an expression that does not read the {@code args} array
   * itself ({@link #readsArgumentArray}); {@link #boxedCaller} calls it as {@link #CONDITION}.
   */
  public static MethodHandle typedCondition(
      Class<?> target,
      boolean isStatic,
      List<Variable> variables,
      String expression,
      boolean allowSideEffects) {
    return compile(
        target,
        isStatic,
        variables,
        null,
        false,
        expression,
        allowSideEffects,
        null,
        "the condition");
  }

  /**
   * A typed condition ({@link #typedCondition}) called as {@link #CONDITION}: the arguments come
   * out of the array, unboxed, for the calls that still pass one.
   */
  public static MethodHandle boxedCaller(MethodHandle typed, int arguments, boolean isStatic) {
    MethodHandle withSelf = isStatic ? MethodHandles.dropArguments(typed, 0, Object.class) : typed;
    MethodHandle spread =
        withSelf
            .asType(MethodType.genericMethodType(arguments + 1).changeReturnType(boolean.class))
            .asSpreader(Object[].class, arguments);
    return MethodHandles.dropArguments(spread, 2, Object.class, Throwable.class);
  }

  /**
   * True when the expression uses the {@code args} array as a whole (its length, an index that is
   * not a literal), which a typed condition does not have; a literal index reads a parameter. Text
   * in a literal counts too: the answer may be true for an expression that could be typed, never
   * false for one that could not.
   */
  public static boolean readsArgumentArray(String expression, int arguments) {
    return ARGUMENT_ARRAY.matcher(rewrite(expression, arguments)).find();
  }

  private static final Pattern ARGUMENT_ARRAY = Pattern.compile("(?<![\\w$.])args(?![\\w$])");

  private static MethodHandle compile(
      Class<?> target,
      boolean isStatic,
      List<Variable> variables,
      Variable returned,
      boolean atExit,
      String expression,
      boolean allowSideEffects,
      MethodType type,
      String what) {
    if (target.getModule().isNamed()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "--when is not available for classes in named modules such as " + target.getName(),
          "probe an application method that calls it instead");
    }
    Compiled compiled =
        compileOnly(target, isStatic, variables, returned, atExit, expression, type);
    Compilation compilation = compiled.compilation();
    String className = compiled.className();
    if (!compilation.succeeded()) {
      throw compileError(
          what,
          expression,
          rewrite(expression, variables.size()),
          compiled.source(),
          compilation,
          compiled.names());
    }
    List<String> extras =
        ExpressionShape.extras(compilation.classes(), className, !allowSideEffects);
    if (!extras.isEmpty()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          what
              + " '"
              + expression
              + "' is not a single Java expression: it "
              + String.join("; it ", extras),
          "write one expression (a switch expression may hold statements in its blocks)");
    }
    byte[] bytes = compilation.classes().get(className);
    if (!allowSideEffects) {
      List<String> violations = ReadOnlyCheck.violations(bytes, runningClasses(target));
      if (!violations.isEmpty()) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            what
                + " '"
                + expression
                + "' could change the application's state"
                + " or hold its thread: "
                + String.join("; ", violations),
            "an expression may read fields and call String, Math, boxed-number and java.time methods and application"
                + " methods that no subclass can override; pass --allow-side-effects to run it anyway, at your own risk");
      }
    }
    try {
      MethodHandles.Lookup lookup = NestmateLookup.in(target);
      Class<?> hidden =
          lookup
              .defineHiddenClass(bytes, true, MethodHandles.Lookup.ClassOption.NESTMATE)
              .lookupClass();
      if (type == null) {
        return lookup.in(hidden).unreflect(testMethod(hidden));
      }
      return lookup.in(hidden).findStatic(hidden, "test", type);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      throw new JLiveException(
          ErrorCode.INTERNAL_ERROR,
          what + " compiled but could not be defined next to " + target.getName() + ": " + e,
          "see the agent log");
    }
  }

  /** The one method {@code test} of a compiled expression's class. */
  private static Method testMethod(Class<?> compiled) throws NoSuchMethodException {
    for (Method method : compiled.getDeclaredMethods()) {
      if (method.getName().equals("test")) {
        return method;
      }
    }
    throw new NoSuchMethodException(compiled.getName() + ".test");
  }

  /** The expression compiled, unchecked: its class's name, its source and what it can name. */
  record Compiled(String className, String source, List<String> names, Compilation compilation) {}

  /**
   * Compiles without checking.
   *
   * @param type how the compiled method is called; null for a typed condition (see {@link
   *     #typedCondition})
   */
  static Compiled compileOnly(
      Class<?> target,
      boolean isStatic,
      List<Variable> variables,
      Variable returned,
      boolean atExit,
      String expression,
      MethodType type) {
    String simpleName = "JLiveCondition" + COUNTER.incrementAndGet();
    String packageName = target.getPackageName();
    String className = packageName.isEmpty() ? simpleName : packageName + "." + simpleName;
    List<String> names = new ArrayList<>();
    String source =
        source(
            packageName,
            simpleName,
            target,
            isStatic,
            variables,
            returned,
            atExit,
            rewrite(expression, variables.size()),
            names,
            type == null || type.returnType() == boolean.class ? "boolean" : "Object",
            type == null);
    Compilation compilation =
        Compilers.compile(
            List.of(new SourceFile(className, source)),
            target.getClassLoader(),
            new CompileOptions(Runtime.version().feature(), false, false),
            new AccessWidener(target));
    return new Compiled(className, source, names, compilation);
  }

  private static ClassSource runningClasses(Class<?> target) {
    Instrumentation instrumentation = NestmateLookup.instrumentation();
    if (instrumentation == null) {
      throw new IllegalStateException("the agent has not initialised expressions");
    }
    return new RunningClasses(instrumentation, target);
  }

  private static String source(
      String packageName,
      String simpleName,
      Class<?> target,
      boolean isStatic,
      List<Variable> variables,
      Variable returned,
      boolean atExit,
      String expression,
      List<String> names,
      String resultType,
      boolean typed) {
    StringBuilder code = new StringBuilder();
    if (!packageName.isEmpty()) {
      code.append("package ").append(packageName).append(";\n");
    }
    code.append("@SuppressWarnings(\"all\")\n");
    code.append("final class ").append(simpleName).append(" {\n");
    if (typed) {
      typedHeader(code, target, isStatic, variables, names);
    } else {
      boxedHeader(code, target, isStatic, variables, names, resultType);
    }
    for (int i = 0; i < variables.size(); i++) {
      code.append("    final ")
          .append(variables.get(i).sourceType())
          .append(' ')
          .append(TYPED_ARGUMENT)
          .append(i)
          .append(" = ")
          .append(variables.get(i).name())
          .append(";\n");
    }
    // In a typed condition too: one that uses the array is compiled on the boxed path instead.
    names.add("args");
    if (returned != null) {
      code.append("    final ")
          .append(returned.sourceType())
          .append(" returned = ")
          .append(cast(returned))
          .append("$returned;\n");
      names.add("returned");
    }
    if (atExit) {
      names.add("thrown");
    }
    code.append("    return ")
        .append(EXPRESSION_LINE_MARKER)
        .append("\n")
        .append(expression)
        .append("\n    ;\n  }\n}\n");
    return code.toString();
  }

  /** {@code test(Object $self, Object[] args, ...)}, each argument taken out of the array. */
  private static void boxedHeader(
      StringBuilder code,
      Class<?> target,
      boolean isStatic,
      List<Variable> variables,
      List<String> names,
      String resultType) {
    code.append("  static ")
        .append(resultType)
        .append(" test(Object $self, Object[] args, Object $returned, Throwable thrown) {\n");
    if (!isStatic) {
      String type = typeName(TypeDescription.ForLoadedType.of(target));
      code.append("    final ").append(type).append(" $this = (").append(type).append(") $self;\n");
      names.add("this");
    }
    int index = 0;
    for (Variable variable : variables) {
      code.append("    final ")
          .append(variable.sourceType())
          .append(' ')
          .append(variable.name())
          .append(" = ")
          .append(cast(variable))
          .append("args[")
          .append(index++)
          .append("];\n");
      names.add(variable.name());
    }
  }

  /**
   * {@code test(Type $this, int sku, ...)}: the receiver and the arguments as the method has them.
   */
  private static void typedHeader(
      StringBuilder code,
      Class<?> target,
      boolean isStatic,
      List<Variable> variables,
      List<String> names) {
    List<String> parameters = new ArrayList<>();
    if (!isStatic) {
      parameters.add("final " + typeName(TypeDescription.ForLoadedType.of(target)) + " $this");
      names.add("this");
    }
    for (Variable variable : variables) {
      parameters.add("final " + variable.sourceType() + " " + variable.name());
      names.add(variable.name());
    }
    code.append("  static boolean test(").append(String.join(", ", parameters)).append(") {\n");
  }

  private static String cast(Variable variable) {
    return "(" + (variable.box() != null ? variable.box() : variable.sourceType()) + ") ";
  }

  private static String boxOf(String primitive) {
    return switch (primitive) {
      case "int" -> "Integer";
      case "char" -> "Character";
      default -> Character.toUpperCase(primitive.charAt(0)) + primitive.substring(1);
    };
  }

  /** The name javac accepts; types without one (anonymous, local) become Object. */
  private static String typeName(TypeDescription type) {
    if (type.isArray()) {
      return typeName(type.getComponentType()) + "[]";
    }
    String canonical = type.getCanonicalName();
    return canonical == null ? "Object" : canonical;
  }

  /**
   * {@code this} becomes {@code $this} outside string and character literals (this is a keyword).
   */
  static String rewrite(String expression, int arguments) {
    StringBuilder out = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < expression.length(); i++) {
      char c = expression.charAt(i);
      if (quote != 0) {
        out.append(c);
        if (c == '\\' && i + 1 < expression.length()) {
          out.append(expression.charAt(++i));
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        out.append(c);
      } else if (expression.startsWith("args[", i)
          && (i == 0 || !isNamePartOrDot(expression.charAt(i - 1)))
          && indexedArgumentEnd(expression, i + 5, arguments) > 0) {
        // args[2] becomes args$2 padded to the same width: a local of the argument's own type, so
        // that args[2] > 10 compiles without a cast and a column still points at the same place.
        int end = indexedArgumentEnd(expression, i + 5, arguments);
        String index = expression.substring(i + 5, end - 1);
        String local = TYPED_ARGUMENT + index;
        out.append(local).append(" ".repeat(end - i - local.length()));
        i = end - 1;
      } else if (expression.startsWith("this", i)
          && (i == 0 || !Character.isJavaIdentifierPart(expression.charAt(i - 1)))
          && (i + 4 == expression.length()
              || !Character.isJavaIdentifierPart(expression.charAt(i + 4)))) {
        out.append("$this");
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isNamePartOrDot(char c) {
    return Character.isJavaIdentifierPart(c) || c == '.';
  }

  /**
   * The index just past {@code digits]} starting at {@code from} when the digits name one of the
   * {@code arguments}, else -1 (a wrong index stays as written, and fails as it would).
   */
  private static int indexedArgumentEnd(String expression, int from, int arguments) {
    int i = from;
    while (i < expression.length() && i - from < 3 && Character.isDigit(expression.charAt(i))) {
      i++;
    }
    if (i == from || i == expression.length() || expression.charAt(i) != ']') {
      return -1;
    }
    return Integer.parseInt(expression.substring(from, i)) < arguments ? i + 1 : -1;
  }

  /** Undoes the shift that turning {@code this} into {@code $this} made before a column. */
  private static long originalColumn(String rewritten, long column) {
    long shift = 0;
    for (int i = rewritten.indexOf("$this");
        i >= 0 && i < column - 1;
        i = rewritten.indexOf("$this", i + 1)) {
      shift++;
    }
    return column - shift;
  }

  private static JLiveException compileError(
      String what,
      String expression,
      String rewritten,
      String source,
      Compilation compilation,
      List<String> names) {
    long expressionLine =
        source
                .substring(0, source.indexOf(EXPRESSION_LINE_MARKER))
                .chars()
                .filter(c -> c == '\n')
                .count()
            + 2;
    List<String> messages = new ArrayList<>();
    for (Problem problem : compilation.problems()) {
      if (problem.severity() != Problem.Severity.ERROR) {
        continue;
      }
      String message =
          problem
              .message()
              .replace("$this", "this")
              .replace("variable $this", "this")
              .replaceAll("args\\$(\\d+)", "args[$1]");
      if (problem.line() == expressionLine) {
        messages.add("at column " + originalColumn(rewritten, problem.column()) + ": " + message);
      } else {
        messages.add(message);
      }
    }
    return new JLiveException(
        ErrorCode.BAD_REQUEST,
        what + " '" + expression + "' does not compile: " + String.join("; ", messages),
        "it is a Java expression over " + String.join(", ", names) + " (columns count from 1)");
  }
}

package dev.jlive.agent.patch;

import dev.jlive.agent.compile.Compilation;
import dev.jlive.agent.compile.CompileOptions;
import dev.jlive.agent.compile.Compilers;
import dev.jlive.agent.compile.Problem;
import dev.jlive.agent.compile.SourceFile;
import dev.jlive.agent.expression.AccessWidener;
import dev.jlive.agent.probe.MethodMatch;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.probe.MethodSelector;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.commons.MethodRemapper;
import net.bytebuddy.jar.asm.commons.SimpleRemapper;

/**
 * A new body for one method, when the class's source is not at hand: the running class's bytes with
 * that one method's code replaced.
 *
 * <p>The method's source is compiled as a method of a throwaway subclass of the class, in its
 * package, so that its fields, methods and nested types resolve by simple name, as they do in the
 * class itself (javac is shown the class with {@code private} and {@code final} lifted; nothing of
 * that reaches the JVM). A subclass's method has {@code this} in the same local slot and its
 * parameters in the same slots as the class's own method, so its bytecode, with every reference to
 * the subclass renamed to the class, is the new body.
 */
final class MethodPatch {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private MethodPatch() {}

  static byte[] build(
      Class<?> type, byte[] base, String selectorText, String methodSource, int release) {
    if (type.isInterface() || type.isEnum() || type.isRecord()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          type.getName()
              + " is an interface, enum or record; "
              + "a single-method patch needs a class",
          "patch the whole class from its source");
    }
    MethodDescription method = target(type, selectorText);
    String packageName = type.getPackageName();
    String subName = "JLiveMethod" + COUNTER.incrementAndGet();
    String subBinary = packageName.isEmpty() ? subName : packageName + "." + subName;
    String source = source(type, packageName, subName, methodSource);
    Compilation compilation =
        Compilers.compile(
            List.of(new SourceFile(subBinary, source)),
            type.getClassLoader(),
            new CompileOptions(release, true, true),
            new AccessWidener(type, true));
    if (!compilation.succeeded()) {
      List<String> errors = new ArrayList<>();
      for (Problem problem : compilation.problems()) {
        if (problem.severity() == Problem.Severity.ERROR) {
          // The imports stand at the top of both files; before the method the generated one also
          // has
          // the package, an annotation, the class line and three lines of constructor.
          long offset = (packageName.isEmpty() ? 0 : 1) + 5;
          errors.add(
              "line "
                  + (problem.line() - offset)
                  + ", column "
                  + problem.column()
                  + ": "
                  + problem.message().replace(subBinary, type.getName()));
        }
      }
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the method does not compile: " + String.join(" | ", errors),
          "give the method's whole declaration; use the class's fields and methods by name, fully qualified names or "
              + "import lines at the top for other types");
    }
    if (compilation.classes().size() != 1) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the method's source defines classes of its own " + compilation.classes().keySet(),
          "anonymous and local classes add classes, which a patch cannot; write it without");
    }
    byte[] sub = compilation.classes().get(subBinary);
    String name = method.getInternalName();
    String descriptor = method.getDescriptor();
    checkOnlyTheMethod(
        sub, name, descriptor, subBinary.replace('.', '/'), type.getName().replace('.', '/'));
    return splice(
        base, sub, name, descriptor, subBinary.replace('.', '/'), type.getName().replace('.', '/'));
  }

  private static MethodDescription target(Class<?> type, String selectorText) {
    MethodSelector selector = MethodSelector.parse(selectorText);
    if (!selector.classes().matches(type.getName())) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          selectorText + " does not name " + type.getName(),
          "write it as " + type.getName() + "#method(parameter types)");
    }
    List<MethodDescription> matches = new ArrayList<>();
    for (MethodDescription method : TypeDescription.ForLoadedType.of(type).getDeclaredMethods()) {
      if (!method.isTypeInitializer() && MethodMatch.matches(selector, method)) {
        matches.add(method);
      }
    }
    if (matches.size() != 1) {
      throw new JLiveException(
          matches.isEmpty() ? ErrorCode.BAD_REQUEST : ErrorCode.CONFLICT,
          selectorText + " matches " + matches.size() + " methods of " + type.getName(),
          "name exactly one, with its parameter types, e.g. " + type.getName() + "#total()");
    }
    MethodDescription method = matches.get(0);
    if (method.isConstructor() || method.isAbstract() || method.isNative()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "a single-method patch replaces the body of a method, not of a "
              + "constructor, abstract or native method",
          "patch the whole class from its source");
    }
    return method;
  }

  private static String source(
      Class<?> type, String packageName, String subName, String methodSource) {
    StringBuilder code = new StringBuilder();
    if (!packageName.isEmpty()) {
      code.append("package ").append(packageName).append(";\n");
    }
    List<String> imports = importLines(methodSource);
    imports.forEach(line -> code.append(line).append('\n'));
    TypeDescription description = TypeDescription.ForLoadedType.of(type);
    String typeVariables =
        description.getTypeVariables().isEmpty()
            ? ""
            : "<"
                + String.join(
                    ", ",
                    description.getTypeVariables().stream()
                        .map(TypeDefinition::getActualName)
                        .toList())
                + ">";
    code.append("@SuppressWarnings(\"all\")\n");
    code.append("abstract class ")
        .append(subName)
        .append(typeVariables)
        .append(" extends ")
        .append(type.getCanonicalName())
        .append(typeVariables)
        .append(" {\n");
    code.append("  ")
        .append(subName)
        .append("() {\n    ")
        .append(superCall(type))
        .append("\n  }\n");
    code.append(
        methodSource
            .lines()
            .filter(line -> !line.trim().startsWith("import "))
            .reduce("", (a, b) -> a + b + "\n"));
    code.append("}\n");
    return code.toString();
  }

  private static List<String> importLines(String methodSource) {
    return methodSource
        .lines()
        .map(String::trim)
        .filter(line -> line.startsWith("import "))
        .toList();
  }

  /**
   * A call of some constructor of the class, with placeholder arguments: the subclass is never
   * instantiated.
   */
  private static String superCall(Class<?> type) {
    Constructor<?>[] constructors = type.getDeclaredConstructors();
    if (constructors.length == 0) {
      return "super();";
    }
    Constructor<?> chosen = constructors[0];
    for (Constructor<?> constructor : constructors) {
      if (constructor.getParameterCount() < chosen.getParameterCount()) {
        chosen = constructor;
      }
    }
    List<String> arguments = new ArrayList<>();
    for (Class<?> parameter : chosen.getParameterTypes()) {
      arguments.add(
          parameter == boolean.class
              ? "false"
              : parameter.isPrimitive()
                  ? "(" + parameter.getName() + ") 0"
                  : "(" + parameter.getCanonicalName() + ") null");
    }
    return "super(" + String.join(", ", arguments) + ");";
  }

  /**
   * The subclass may hold nothing but its constructor and the method: anything else could not be
   * spliced.
   */
  private static void checkOnlyTheMethod(
      byte[] sub, String name, String descriptor, String subName, String typeName) {
    List<String> extra = new ArrayList<>();
    boolean[] found = {false};
    new ClassReader(sub)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public MethodVisitor visitMethod(
                  int access, String method, String desc, String signature, String[] exceptions) {
                if (method.equals("<init>")) {
                  return null;
                }
                String remapped = desc.replace("L" + subName + ";", "L" + typeName + ";");
                if (method.equals(name) && remapped.equals(descriptor)) {
                  found[0] = true;
                  return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(
                        int opcode,
                        String owner,
                        String callee,
                        String calleeDesc,
                        boolean isInterface) {
                      if (opcode == Opcodes.INVOKESPECIAL && !callee.equals("<init>")) {
                        extra.add("a super call (" + callee + ")");
                      }
                    }
                  };
                }
                extra.add(
                    (method.startsWith("lambda$") ? "a lambda (" : "another method (")
                        + method
                        + ")");
                return null;
              }
            },
            ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    if (!found[0]) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the source does not declare "
              + name
              + " with the signature of the method "
              + "it replaces ("
              + descriptor
              + ")",
          "copy the method's declaration as it is; change only its body");
    }
    if (!extra.isEmpty()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the new body brings "
              + String.join(", ", extra)
              + ", which a single-method patch cannot carry",
          "write the body without them, or patch the whole class");
    }
  }

  private static byte[] splice(
      byte[] base, byte[] sub, String name, String descriptor, String subName, String typeName) {
    // The base's constant pool kept in its order, and its other methods copied as they are: the
    // JVM matches the redefinition's pool against the running class's entry by entry, and a pool
    // written afresh costs a search per entry (docs/BENCHMARKS.md, section 61).
    ClassReader reader = new ClassReader(base);
    ClassWriter writer = new ClassWriter(reader, 0);
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public MethodVisitor visitMethod(
              int access, String method, String desc, String signature, String[] exceptions) {
            MethodVisitor out = super.visitMethod(access, method, desc, signature, exceptions);
            if (!method.equals(name) || !desc.equals(descriptor)) {
              return out;
            }
            copyBody(sub, name, subName, typeName, out);
            // The old body is dropped: nothing of it reaches the writer.
            return null;
          }
        },
        0);
    return writer.toByteArray();
  }

  private static void copyBody(
      byte[] sub, String name, String subName, String typeName, MethodVisitor out) {
    SimpleRemapper remapper = new SimpleRemapper(subName, typeName);
    new ClassReader(sub)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public MethodVisitor visitMethod(
                  int access, String method, String desc, String signature, String[] exceptions) {
                if (!method.equals(name)) {
                  return null;
                }
                return new MethodRemapper(
                    new MethodVisitor(Opcodes.ASM9, out) {
                      @Override
                      public void visitParameter(String parameterName, int parameterAccess) {
                        // Parameter metadata stays as the class had it.
                      }
                    },
                    remapper);
              }
            },
            0);
  }

  static boolean isStatic(MethodDescription method) {
    return Modifier.isStatic(method.getModifiers());
  }
}

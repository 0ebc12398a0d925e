package dev.jlive.agent.expression;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Proves from bytecode that an expression only reads: it may read fields, call getters of the
 * application (methods that are themselves only reading, checked two calls deep) and methods of
 * immutable JDK types, and concatenate strings. Anything that could change state (a field or
 * array store, a lock, a call to anything else, a lambda) is reported by name.
 */
final class ReadOnlyCheck {
  private static final int MAX_DEPTH = 2;

  /** JDK types whose every method leaves all state alone. */
  private static final Set<String> PURE_TYPES = Set.of("java/lang/String", "java/lang/Math", "java/lang/StrictMath",
      "java/lang/Integer", "java/lang/Long", "java/lang/Short", "java/lang/Byte", "java/lang/Double", "java/lang/Float",
      "java/lang/Boolean", "java/lang/Character", "java/lang/Number", "java/math/BigDecimal", "java/math/BigInteger",
      "java/util/Objects", "java/lang/CharSequence", "java/util/UUID", "java/time/Duration", "java/time/Instant",
      "java/time/LocalDate", "java/time/LocalDateTime");

  /** Reading methods of JDK types that also have writing ones. */
  private static final Set<String> PURE_METHODS = Set.of("size", "isEmpty", "contains", "containsKey", "containsValue", "get",
      "getOrDefault", "indexOf", "lastIndexOf", "equals", "hashCode", "toString", "getClass", "getName", "getSimpleName",
      "getMessage", "name", "ordinal", "compareTo", "isPresent", "orElse", "length", "charAt", "intValue", "longValue",
      "doubleValue", "booleanValue", "getFirst", "getLast", "peek", "first", "last");

  private final ClassLoader loader;
  private final List<String> violations = new ArrayList<>();

  private ReadOnlyCheck(ClassLoader loader) {
    this.loader = loader;
  }

  /** What in {@code bytes} (the expression's class) could change state; empty when it only reads. */
  static List<String> violations(byte[] bytes, ClassLoader loader) {
    ReadOnlyCheck check = new ReadOnlyCheck(loader);
    check.scan(bytes, null, 0);
    return check.violations;
  }

  /**
   * Scans every method of a class, or only {@code method} (name + descriptor) when given.
   *
   * @return false when the class does not declare {@code method} (inherited or abstract: unverifiable)
   */
  private boolean scan(byte[] bytes, String method, int depth) {
    boolean[] found = {false};
    new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        // The expression class's own constructor is never called.
        if (method != null && !method.equals(name + descriptor) || (access & Opcodes.ACC_ABSTRACT) != 0
            || (method == null && name.equals("<init>"))) {
          return null;
        }
        found[0] = true;
        String where = new ClassReader(bytes).getClassName().replace('/', '.') + "." + name;
        return new Scanner(where, depth);
      }
    }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return found[0];
  }

  private final class Scanner extends MethodVisitor {
    private final String where;
    private final int depth;

    Scanner(String where, int depth) {
      super(Opcodes.ASM9);
      this.where = where;
      this.depth = depth;
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
      if (opcode == Opcodes.PUTFIELD || opcode == Opcodes.PUTSTATIC) {
        violations.add(where + " assigns the field " + owner.replace('/', '.') + "." + name);
      }
    }

    @Override
    public void visitInsn(int opcode) {
      if (opcode >= Opcodes.IASTORE && opcode <= Opcodes.SASTORE) {
        violations.add(where + " stores into an array");
      } else if (opcode == Opcodes.MONITORENTER) {
        violations.add(where + " takes a lock");
      }
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      if (opcode == Opcodes.NEW && !type.equals("java/lang/StringBuilder") && !PURE_TYPES.contains(type)) {
        violations.add(where + " creates a " + type.replace('/', '.'));
      }
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
      if (!bootstrap.getOwner().equals("java/lang/invoke/StringConcatFactory")) {
        violations.add(where + " uses a lambda or dynamic call (" + bootstrap.getOwner().replace('/', '.') + ")");
      }
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
      if (isPure(owner, name)) {
        return;
      }
      String call = owner.replace('/', '.') + "." + name + "()";
      if (isJdk(owner)) {
        violations.add(where + " calls " + call + ", which may change state");
        return;
      }
      if (depth >= MAX_DEPTH || !looksLikeGetter(name, descriptor)) {
        violations.add(where + " calls " + call + ", which may change state");
        return;
      }
      byte[] callee = classFile(owner);
      if (callee == null) {
        violations.add(where + " calls " + call + ", whose code cannot be read");
        return;
      }
      if (!scan(callee, name + descriptor, depth + 1)) {
        violations.add(where + " calls " + call + ", whose code is inherited or abstract and cannot be checked");
      }
    }
  }

  private static boolean isPure(String owner, String name) {
    if (PURE_TYPES.contains(owner) || owner.startsWith("java/time/")) {
      return true;
    }
    if (owner.equals("java/lang/StringBuilder")) {
      return name.equals("<init>") || name.equals("append") || name.equals("toString");
    }
    return isJdk(owner) && PURE_METHODS.contains(name);
  }

  private static boolean isJdk(String owner) {
    return owner.startsWith("java/") || owner.startsWith("javax/") || owner.startsWith("jdk/") || owner.startsWith("sun/");
  }

  /** No arguments and a result: a getter, a record accessor, size(), toString(). */
  private static boolean looksLikeGetter(String name, String descriptor) {
    return descriptor.startsWith("()") && !descriptor.endsWith(")V") && !name.equals("<init>");
  }

  private byte[] classFile(String internalName) {
    if (loader == null) {
      return null;
    }
    try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }
}

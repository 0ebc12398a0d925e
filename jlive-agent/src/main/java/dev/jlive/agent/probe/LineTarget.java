package dev.jlive.agent.probe;

import dev.jlive.agent.weave.InstructionCounter;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Where a line probe goes: the method whose code holds the line, and the local variables in scope
 * when that line starts, read from the class file's line number and local variable tables.
 *
 * @param locals in the order the woven code passes their values
 */
record LineTarget(
    String methodName, String descriptor, boolean isStatic, int line, List<Local> locals) {

  /** A local variable: its name, JVM type descriptor and slot. */
  record Local(String name, String descriptor, int slot) {}

  /**
   * Finds {@code line} in the methods of {@code type} that {@code wanted} accepts (name +
   * descriptor).
   */
  static LineTarget find(Class<?> type, int line, BiPredicate<String, String> wanted) {
    byte[] bytes = classFile(type);
    List<LineTarget> found = new ArrayList<>();
    TreeSet<Integer> codeLines = new TreeSet<>();
    boolean[] debugInfo = {false};
    new ClassReader(bytes)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public MethodVisitor visitMethod(
                  int access,
                  String name,
                  String descriptor,
                  String signature,
                  String[] exceptions) {
                if (!wanted.test(name, descriptor)) {
                  return null;
                }
                boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
                return new InstructionCounter() {
                  private final Map<Label, Integer> positions = new HashMap<>();
                  private int linePosition = -1;
                  private final List<Object[]> variables = new ArrayList<>();

                  @Override
                  public void visitLabel(Label label) {
                    positions.put(label, instructions());
                  }

                  @Override
                  public void visitLineNumber(int number, Label start) {
                    codeLines.add(number);
                    if (number == line && linePosition < 0) {
                      linePosition = positions.getOrDefault(start, instructions());
                    }
                  }

                  @Override
                  public void visitLocalVariable(
                      String localName,
                      String localDescriptor,
                      String localSignature,
                      Label start,
                      Label end,
                      int index) {
                    debugInfo[0] = true;
                    variables.add(new Object[] {localName, localDescriptor, start, end, index});
                  }

                  @Override
                  public void visitEnd() {
                    if (linePosition < 0) {
                      return;
                    }
                    List<Local> locals = new ArrayList<>();
                    for (Object[] variable : variables) {
                      String localName = (String) variable[0];
                      int start = positions.getOrDefault((Label) variable[2], Integer.MAX_VALUE);
                      int end = positions.getOrDefault((Label) variable[3], -1);
                      if (!localName.equals("this")
                          && start <= linePosition
                          && linePosition < end) {
                        locals.add(
                            new Local(localName, (String) variable[1], (Integer) variable[4]));
                      }
                    }
                    found.add(
                        new LineTarget(name, descriptor, isStatic, line, List.copyOf(locals)));
                  }
                };
              }
            },
            ClassReader.SKIP_FRAMES);
    if (found.isEmpty()) {
      String hint =
          codeLines.isEmpty()
              ? "the class has no line numbers (compiled without -g); use an entry or exit probe"
              : "lines with code there: " + ranges(codeLines);
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "line " + line + " has no code in the selected methods of " + type.getName(),
          hint);
    }
    if (found.size() > 1) {
      throw new JLiveException(
          ErrorCode.CONFLICT,
          "line "
              + line
              + " of "
              + type.getName()
              + " has code in several methods ("
              + found.stream().map(LineTarget::methodName).toList()
              + ")",
          "name one method in the selector");
    }
    if (!debugInfo[0]) {
      return new LineTarget(
          found.get(0).methodName, found.get(0).descriptor, found.get(0).isStatic, line, List.of());
    }
    return found.get(0);
  }

  private static byte[] classFile(Class<?> type) {
    ClassLoader loader = type.getClassLoader();
    String resource = type.getName().replace('.', '/') + ".class";
    try (InputStream in =
        loader == null
            ? ClassLoader.getSystemResourceAsStream(resource)
            : loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            "the class file of " + type.getName() + " cannot be read",
            "line probes need the class file; use an entry or exit probe");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new JLiveException(
          ErrorCode.INTERNAL_ERROR,
          "cannot read the class file of " + type.getName() + ": " + e,
          "use an entry or exit probe, which needs no class file");
    }
  }

  private static String ranges(TreeSet<Integer> lines) {
    List<String> parts = new ArrayList<>();
    Integer start = null;
    Integer previous = null;
    for (int line : lines) {
      if (previous != null && line == previous + 1) {
        previous = line;
        continue;
      }
      if (start != null) {
        parts.add(start.equals(previous) ? start.toString() : start + "-" + previous);
      }
      start = line;
      previous = line;
    }
    if (start != null) {
      parts.add(start.equals(previous) ? start.toString() : start + "-" + previous);
    }
    return String.join(", ", parts);
  }
}

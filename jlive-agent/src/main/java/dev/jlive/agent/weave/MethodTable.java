package dev.jlive.agent.weave;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;

/**
 * Where each method of a class file lies, read from the class file's tables without reading any
 * instruction (JVMS 4.1, 4.6, 4.7): for passes over big classes that need only some of their
 * methods, and leave the others to ASM to copy as they are.
 */
public final class MethodTable {
  /**
   * One method_info structure.
   *
   * @param key "name descriptor"
   * @param start offset of its access flags
   * @param end offset after its last attribute
   */
  public record Method(String key, int start, int end) {}

  private MethodTable() {}

  /** The class file's methods, in declaration order. */
  public static List<Method> of(ClassReader reader) {
    char[] buffer = new char[reader.getMaxStringLength()];
    int offset = methodsTable(reader);
    int count = reader.readUnsignedShort(offset);
    offset += 2;
    List<Method> methods = new ArrayList<>(count);
    for (int m = 0; m < count; m++) {
      int start = offset;
      String key = reader.readUTF8(offset + 2, buffer) + " " + reader.readUTF8(offset + 4, buffer);
      offset = skipAttributes(reader, offset + 6);
      methods.add(new Method(key, start, offset));
    }
    return methods;
  }

  /**
   * The offset of a method's Code attribute's max_stack, or -1 when it has none (abstract or
   * native).
   */
  public static int code(ClassReader reader, Method method, char[] buffer) {
    return attribute(reader, method.start() + 6, "Code", buffer);
  }

  /**
   * Whether two methods have the same access flags, name, descriptor and code: the same
   * instructions, maximums and exception handlers, debug attributes (lines, local variable names,
   * stack map frames) aside. Constants are compared by index, so this says "the same method" only
   * when {@link #poolExtends} holds for the two classes. {@code buffer} holds the longest constant
   * string of either class.
   */
  public static boolean sameCode(
      ClassReader older,
      byte[] olderBytes,
      Method olderMethod,
      ClassReader newer,
      byte[] newerBytes,
      Method newerMethod,
      char[] buffer) {
    if (!Arrays.equals(
        olderBytes,
        olderMethod.start(),
        olderMethod.start() + 6,
        newerBytes,
        newerMethod.start(),
        newerMethod.start() + 6)) {
      return false;
    }
    int olderCode = code(older, olderMethod, buffer);
    int newerCode = code(newer, newerMethod, buffer);
    if (olderCode < 0 || newerCode < 0) {
      return olderCode == newerCode;
    }
    return Arrays.equals(
        olderBytes,
        olderCode,
        codeEnd(older, olderCode),
        newerBytes,
        newerCode,
        codeEnd(newer, newerCode));
  }

  /** The offset after a Code attribute's exception table, where its own attributes start. */
  private static int codeEnd(ClassReader reader, int code) {
    // max_stack, max_locals, code_length, code, exception_table_length, 8 bytes per handler.
    int table = code + 8 + reader.readInt(code + 4);
    return table + 2 + 8 * reader.readUnsignedShort(table);
  }

  /**
   * Whether {@code newer}'s constant pool starts with every entry of {@code older}'s, at the same
   * indexes, and its bootstrap methods (to which invokedynamic constants point by index) with every
   * one of {@code older}'s: then a method whose code is the same bytes in both classes refers to
   * the same constants, and is the same method ({@link #sameCode}). ASM writes such a class when
   * given the reader of the class it changes; javac does not.
   */
  public static boolean poolExtends(
      ClassReader older, byte[] olderBytes, ClassReader newer, byte[] newerBytes) {
    int olderCount = older.getItemCount();
    int newerCount = newer.getItemCount();
    if (newerCount < olderCount) {
      return false;
    }
    // The pool starts at offset 10, after magic, versions and its count.
    int olderEnd = older.header;
    int newerEnd = newerCount == olderCount ? newer.header : newer.getItem(olderCount) - 1;
    if (olderEnd != newerEnd
        || !Arrays.equals(olderBytes, 10, olderEnd, newerBytes, 10, newerEnd)) {
      return false;
    }
    int olderBootstraps = bootstrapMethods(older);
    if (olderBootstraps < 0) {
      return true;
    }
    int newerBootstraps = bootstrapMethods(newer);
    if (newerBootstraps < 0) {
      return false;
    }
    // attribute_length, then num_bootstrap_methods and the methods.
    int olderLength = older.readInt(olderBootstraps - 4) - 2;
    int newerLength = newer.readInt(newerBootstraps - 4) - 2;
    return olderLength <= newerLength
        && Arrays.equals(
            olderBytes,
            olderBootstraps + 2,
            olderBootstraps + 2 + olderLength,
            newerBytes,
            newerBootstraps + 2,
            newerBootstraps + 2 + olderLength);
  }

  /** The offset of the BootstrapMethods attribute's contents, or -1 when the class has none. */
  private static int bootstrapMethods(ClassReader reader) {
    return attribute(
        reader,
        skipMembers(reader, methodsTable(reader)),
        "BootstrapMethods",
        new char[reader.getMaxStringLength()]);
  }

  /**
   * The offset of the contents of the attribute named {@code name} in the attributes whose count is
   * at {@code offset}, or -1 when there is none.
   */
  private static int attribute(ClassReader reader, int offset, String name, char[] buffer) {
    int attributes = reader.readUnsignedShort(offset);
    offset += 2;
    for (int a = 0; a < attributes; a++) {
      if (name.equals(reader.readUTF8(offset, buffer))) {
        return offset + 6;
      }
      offset += 6 + reader.readInt(offset + 2);
    }
    return -1;
  }

  /** The offset of the methods_count, after the interfaces and the fields. */
  private static int methodsTable(ClassReader reader) {
    int offset = reader.header + 6;
    offset += 2 + 2 * reader.readUnsignedShort(offset);
    return skipMembers(reader, offset);
  }

  /** The offset after the fields (or methods) table that starts at {@code offset}. */
  private static int skipMembers(ClassReader reader, int offset) {
    int members = reader.readUnsignedShort(offset);
    offset += 2;
    for (int m = 0; m < members; m++) {
      offset = skipAttributes(reader, offset + 6);
    }
    return offset;
  }

  /** The offset after the attributes whose count is at {@code offset}. */
  private static int skipAttributes(ClassReader reader, int offset) {
    int attributes = reader.readUnsignedShort(offset);
    offset += 2;
    for (int a = 0; a < attributes; a++) {
      offset += 6 + reader.readInt(offset + 2);
    }
    return offset;
  }
}

package dev.jlive.controller.rollout.gate;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The class name and method names of a class file, read from its constant pool and method table.
 * ASM is not on the controller's class path (the agent shades its own), and these two lists need no
 * more than the format's first tables (JVMS 4.1, 4.4, 4.6).
 */
final class ClassFileNames {
  private static final int MAGIC = 0xCAFEBABE;
  private static final int ACC_BRIDGE = 0x0040;
  private static final int ACC_SYNTHETIC = 0x1000;

  private ClassFileNames() {}

  /**
   * @return the class's binary name ({@code com.acme.Cart$Line}) and the methods it declares in its
   *     own code: constructors as {@code <init>}, without the static initializer, bridges and
   *     synthetic methods the compiler made
   */
  static SourceTypes.Type read(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != MAGIC) {
        throw notAClassFile("it does not start with 0xCAFEBABE");
      }
      in.readUnsignedShort();
      in.readUnsignedShort();
      int count = in.readUnsignedShort();
      String[] utf8 = new String[count];
      int[] classNameIndex = new int[count];
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> utf8[i] = in.readUTF();
          case 7 -> classNameIndex[i] = in.readUnsignedShort();
          case 8, 16, 19, 20 -> in.readUnsignedShort();
          case 15 -> {
            in.readUnsignedByte();
            in.readUnsignedShort();
          }
          case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
          case 5, 6 -> {
            in.readLong();
            i++; // a long or double takes two slots
          }
          default -> throw notAClassFile("constant pool entry " + i + " has unknown tag " + tag);
        }
      }
      in.readUnsignedShort();
      int thisClass = in.readUnsignedShort();
      String name = thisClass < count ? utf8[classNameIndex[thisClass]] : null;
      if (name == null) {
        throw notAClassFile("its this_class entry is not a class name");
      }
      in.readUnsignedShort();
      skip(in, in.readUnsignedShort() * 2);
      skipMembers(in);
      Set<String> methods = new LinkedHashSet<>();
      int methodCount = in.readUnsignedShort();
      for (int m = 0; m < methodCount; m++) {
        int access = in.readUnsignedShort();
        int nameIndex = in.readUnsignedShort();
        in.readUnsignedShort();
        skipAttributes(in);
        String method = nameIndex < count ? utf8[nameIndex] : null;
        if (method != null
            && !method.equals("<clinit>")
            && (access & (ACC_BRIDGE | ACC_SYNTHETIC)) == 0) {
          methods.add(method);
        }
      }
      return new SourceTypes.Type(name.replace('/', '.'), methods);
    } catch (IOException e) {
      throw notAClassFile("it ends early (" + e.getMessage() + ")");
    }
  }

  private static void skipMembers(DataInputStream in) throws IOException {
    int fields = in.readUnsignedShort();
    for (int f = 0; f < fields; f++) {
      skip(in, 6);
      skipAttributes(in);
    }
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      in.readUnsignedShort();
      skip(in, in.readInt() & 0xFFFFFFFFL);
    }
  }

  private static void skip(DataInputStream in, long bytes) throws IOException {
    if (in.skip(bytes) != bytes) {
      throw new IOException("a table is cut short");
    }
  }

  private static JLiveException notAClassFile(String why) {
    return new JLiveException(
        ErrorCode.BAD_REQUEST,
        "a class file of the patch cannot be read: " + why,
        "send class files as javac writes them");
  }
}

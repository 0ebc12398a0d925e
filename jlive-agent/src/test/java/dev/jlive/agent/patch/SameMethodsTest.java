package dev.jlive.agent.patch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.agent.testing.ClassFixtures;
import dev.jlive.agent.weave.MethodTable;
import java.util.List;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * A patch ASM made from the running class keeps its constant pool and the bytes of the methods it
 * does not change: those are known to be the same without writing their code as text, and the check
 * finds the same changed methods as the texts do. A pool written afresh (as javac writes one), or
 * bootstrap methods in another order, leave every method to the texts.
 */
class SameMethodsTest {
  private static final String SOURCE =
      """
      package fx;
      public class Shop {
        private int count;
        public int add(int n) {
          count += n;
          return count;
        }
        public String label() {
          Runnable first = () -> System.out.println("first");
          Runnable second = () -> System.out.println("second");
          first.run();
          second.run();
          return "shop " + count;
        }
        public static long twice(long x) {
          return x * 2;
        }
      }
      """;

  @Test
  void aPatchThatKeepsThePoolHasItsOtherMethodsKnownTheSameAndTheSameChangeFound()
      throws Exception {
    byte[] running = ClassFixtures.compile("fx.Shop", SOURCE);
    byte[] patched = withNopIn(running, "add", true);

    Set<String> same = ClassShape.sameMethods(running, patched);

    assertThat(same)
        .contains("label ()Ljava/lang/String;", "twice (J)J", "<init> ()V")
        .doesNotContain("add (I)I");
    ClassDiff diff = ClassDiff.between(ClassShape.of(running, same), ClassShape.of(patched, same));
    assertThat(diff.refused()).isEmpty();
    assertThat(diff.changedKeys()).containsExactly("add (I)I");
  }

  @Test
  void aPoolWrittenAfreshLeavesEveryMethodToTheTextsWhichFindTheSameChange() throws Exception {
    // The negative control: the same change, the pool written in another order.
    byte[] running = ClassFixtures.compile("fx.Shop", SOURCE);
    byte[] patched = withNopIn(running, "add", false);

    assertThat(ClassShape.sameMethods(running, patched)).isEmpty();
    ClassDiff diff = ClassDiff.between(ClassShape.of(running), ClassShape.of(patched));
    assertThat(diff.changedKeys()).containsExactly("add (I)I");
  }

  @Test
  void bootstrapMethodsInAnotherOrderMakeTheLambdaCallsDifferentMethods() throws Exception {
    byte[] running = ClassFixtures.compile("fx.Shop", SOURCE);
    byte[] swapped = withBootstrapMethodsSwapped(withNopIn(running, "add", true));

    // Every byte of label() is the same, yet its two invokedynamic calls now make each other's
    // lambda: not the same method.
    assertThat(
            MethodTable.poolExtends(
                new ClassReader(running), running, new ClassReader(swapped), swapped))
        .isFalse();
    assertThat(ClassShape.sameMethods(running, swapped)).isEmpty();
    ClassDiff diff = ClassDiff.between(ClassShape.of(running), ClassShape.of(swapped));
    assertThat(diff.changedKeys()).contains("add (I)I", "label ()Ljava/lang/String;");
  }

  /** The class with a NOP at the start of one method, its pool kept or written afresh. */
  private static byte[] withNopIn(byte[] bytes, String method, boolean keepPool) {
    ClassReader reader = new ClassReader(bytes);
    ClassWriter writer = keepPool ? new ClassWriter(reader, 0) : new ClassWriter(0);
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor out = super.visitMethod(access, name, descriptor, signature, exceptions);
            if (!name.equals(method)) {
              return out;
            }
            return new MethodVisitor(Opcodes.ASM9, out) {
              @Override
              public void visitCode() {
                super.visitCode();
                super.visitInsn(Opcodes.NOP);
              }
            };
          }
        },
        0);
    return writer.toByteArray();
  }

  /** The class with its first two bootstrap methods (the same length here) trading places. */
  private static byte[] withBootstrapMethodsSwapped(byte[] bytes) {
    ClassReader reader = new ClassReader(bytes);
    char[] buffer = new char[reader.getMaxStringLength()];
    List<MethodTable.Method> methods = MethodTable.of(reader);
    // The class's attributes follow its last method: u2 count, then u2 name, u4 length, contents.
    int offset = methods.get(methods.size() - 1).end();
    int attributes = reader.readUnsignedShort(offset);
    offset += 2;
    int contents = -1;
    for (int a = 0; a < attributes; a++) {
      if (reader.readUTF8(offset, buffer).equals("BootstrapMethods")) {
        contents = offset + 6;
      }
      offset += 6 + reader.readInt(offset + 2);
    }
    assertThat(contents).isPositive();
    assertThat(reader.readUnsignedShort(contents)).isGreaterThanOrEqualTo(2);
    // Each: u2 method handle, u2 argument count, the arguments.
    int first = contents + 2;
    int length = 4 + 2 * reader.readUnsignedShort(first + 2);
    int second = first + length;
    assertThat(4 + 2 * reader.readUnsignedShort(second + 2)).isEqualTo(length);
    byte[] out = bytes.clone();
    System.arraycopy(bytes, first, out, second, length);
    System.arraycopy(bytes, second, out, first, length);
    return out;
  }
}

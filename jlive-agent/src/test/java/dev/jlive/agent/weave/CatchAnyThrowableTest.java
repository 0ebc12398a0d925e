package dev.jlive.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * Woven handlers of Throwable catch any exception instead: the same code, no catch-type constant.
 */
class CatchAnyThrowableTest {
  /** Catches what it throws, as an exit advice's handler does. */
  public static final class Catcher {
    public static String run(boolean fail) {
      try {
        if (fail) {
          throw new IllegalStateException("thrown");
        }
        return "returned";
      } catch (Throwable caught) {
        return "caught " + caught.getMessage();
      }
    }
  }

  /** Has no handler at all. */
  public static final class Plain {
    public static int one() {
      return 1;
    }
  }

  private static byte[] bytesOf(Class<?> type) throws IOException {
    String resource = type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class";
    try (InputStream in = type.getResourceAsStream(resource)) {
      return in.readAllBytes();
    }
  }

  private static List<String> catchTypes(byte[] bytes) {
    List<String> types = new ArrayList<>();
    new ClassReader(bytes)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public MethodVisitor visitMethod(
                  int access, String name, String descriptor, String signature, String[] ex) {
                return new MethodVisitor(Opcodes.ASM9) {
                  @Override
                  public void visitTryCatchBlock(Label start, Label end, Label handler, String t) {
                    types.add(String.valueOf(t));
                  }
                };
              }
            },
            0);
    return types;
  }

  @Test
  void aThrowableHandlerCatchesAnyExceptionAndStillCatchesWhatItCaughtBefore() throws Exception {
    byte[] original = bytesOf(Catcher.class);
    assertThat(catchTypes(original)).containsExactly("java/lang/Throwable");

    byte[] rewritten = CatchAnyThrowable.rewrite(original);

    assertThat(catchTypes(rewritten)).containsExactly("null");
    Class<?> loaded =
        new ClassLoader(null) {
          Class<?> define() {
            return defineClass(Catcher.class.getName(), rewritten, 0, rewritten.length);
          }
        }.define();
    // Defining verifies the class: the handler's frame still has a Throwable on its stack.
    assertThat(loaded.getMethod("run", boolean.class).invoke(null, true))
        .isEqualTo("caught thrown");
    assertThat(loaded.getMethod("run", boolean.class).invoke(null, false)).isEqualTo("returned");
  }

  @Test
  void aClassWithoutThrowableHandlersKeepsItsBytes() throws Exception {
    byte[] original = bytesOf(Plain.class);
    assertThat(CatchAnyThrowable.rewrite(original)).isSameAs(original);
  }
}

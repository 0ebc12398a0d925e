package dev.jlive.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
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
    forEachHandler(bytes, (method, type) -> types.add(String.valueOf(type)));
    return types;
  }

  /** Each exception handler's method ("name descriptor") and catch type, from a full read. */
  private static void forEachHandler(byte[] bytes, BiConsumer<String, String> handler) {
    new ClassReader(bytes)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public MethodVisitor visitMethod(
                  int access, String name, String descriptor, String signature, String[] ex) {
                return new MethodVisitor(Opcodes.ASM9) {
                  @Override
                  public void visitTryCatchBlock(Label start, Label end, Label target, String t) {
                    handler.accept(name + " " + descriptor, t);
                  }
                };
              }
            },
            0);
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

  @Test
  void theExceptionTablesReadWithoutTheCodeNameTheMethodsAFullReadFindsOverManyClasses()
      throws Exception {
    // Byte Buddy's own classes: thousands, with fields, attributes of every kind and handlers of
    // Throwable and of other types.
    int checked = 0;
    int catching = 0;
    try (JarFile jar =
        new JarFile(
            Path.of(ClassReader.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toFile())) {
      for (JarEntry entry : Collections.list(jar.entries())) {
        if (!entry.getName().endsWith(".class") || entry.getName().contains("module-info")) {
          continue;
        }
        byte[] bytes;
        try (InputStream in = jar.getInputStream(entry)) {
          bytes = in.readAllBytes();
        }
        Set<String> expected = catchingByAFullRead(bytes);
        assertThat(CatchAnyThrowable.methodsCatchingThrowable(new ClassReader(bytes)))
            .as(entry.getName())
            .isEqualTo(expected);
        checked++;
        catching += expected.isEmpty() ? 0 : 1;
      }
    }
    assertThat(checked).isGreaterThan(1_000);
    assertThat(catching).isGreaterThan(10);
  }

  @Test
  void onlyTheMethodsWithAThrowableHandlerAreRewrittenTheOthersKeepTheirBytes() throws Exception {
    byte[] original = bytesOf(Mixed.class);
    byte[] rewritten = CatchAnyThrowable.rewrite(original);

    assertThat(catchTypes(rewritten)).containsExactlyInAnyOrder("null", "java/lang/Exception");
    // The constant pool comes first and is copied: the same entries, in the same order.
    ClassReader before = new ClassReader(original);
    ClassReader after = new ClassReader(rewritten);
    assertThat(after.getItemCount()).isEqualTo(before.getItemCount());
    assertThat(Arrays.copyOf(rewritten, before.header))
        .isEqualTo(Arrays.copyOf(original, before.header));
  }

  /** One handler of Throwable, one of Exception. */
  public static final class Mixed {
    public static String catchesThrowable() {
      try {
        return String.valueOf(System.nanoTime());
      } catch (Throwable t) {
        return "t";
      }
    }

    public static String catchesException() {
      try {
        return String.valueOf(System.nanoTime());
      } catch (Exception e) {
        return "e";
      }
    }
  }

  private static Set<String> catchingByAFullRead(byte[] bytes) {
    Set<String> methods = new HashSet<>();
    forEachHandler(
        bytes,
        (method, type) -> {
          if ("java/lang/Throwable".equals(type)) {
            methods.add(method);
          }
        });
    return methods;
  }
}

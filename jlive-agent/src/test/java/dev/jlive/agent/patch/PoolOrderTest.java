package dev.jlive.agent.patch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.agent.testing.ClassFixtures;
import dev.jlive.agent.weave.MethodTable;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import org.junit.jupiter.api.Test;

/**
 * A javac-written patch of a big class gets the running class's constants at their old indexes, the
 * same code and the same diff; a small class's patch is left as javac wrote it.
 */
class PoolOrderTest {
  /** A class with {@code methods} methods, each returning a string constant of its own. */
  private static String bigClass(int methods, String firstConstant) {
    StringBuilder source = new StringBuilder("package fx;\npublic class Big {\n");
    for (int i = 0; i < methods; i++) {
      String constant = i == 0 ? firstConstant : "constant " + i;
      source.append("  public static String m").append(i).append("() {\n");
      source.append("    return \"").append(constant).append("\";\n  }\n");
    }
    return source.append("}\n").toString();
  }

  @Test
  void aBigClassesPatchGetsTheRunningPoolFirstWithTheSameCodeAndDiff() throws Exception {
    byte[] running = ClassFixtures.compile("fx.Big", bigClass(800, "first"));
    // The first method's new constant comes first in javac's pool: every other constant moves.
    byte[] patched = ClassFixtures.compile("fx.Big", bigClass(800, "changed"));
    assertThat(new ClassReader(patched).getItemCount()).isGreaterThan(PoolOrder.MIN_CONSTANTS);
    assertThat(extendsPool(running, patched)).isFalse();

    byte[] aligned = PoolOrder.alignedTo(running, patched);

    assertThat(extendsPool(running, aligned)).isTrue();
    assertThat(ClassShape.of(aligned).bodies()).isEqualTo(ClassShape.of(patched).bodies());
    Set<String> same = ClassShape.sameMethods(running, aligned);
    assertThat(same).hasSizeGreaterThan(700).doesNotContain("m0 ()Ljava/lang/String;");
    assertThat(
            ClassDiff.between(ClassShape.of(running, same), ClassShape.of(aligned, same))
                .changedKeys())
        .containsExactly("m0 ()Ljava/lang/String;");
    // And it is a class the JVM takes, with the patch's code.
    Class<?> big = ClassFixtures.define("fx.Big", aligned);
    assertThat(big.getMethod("m0").invoke(null)).isEqualTo("changed");
    assertThat(big.getMethod("m799").invoke(null)).isEqualTo("constant 799");
  }

  @Test
  void methodsThatOnlyMovedDownAreKnownTheSameByTheirCode() throws Exception {
    byte[] running = ClassFixtures.compile("fx.Big", bigClass(800, "first"));
    // Every method one line lower: their line tables differ, their code does not.
    byte[] patched =
        ClassFixtures.compile(
            "fx.Big",
            bigClass(800, "changed").replace("public class Big {", "public class Big {\n"));

    byte[] aligned = PoolOrder.alignedTo(running, patched);

    Set<String> same = ClassShape.sameMethods(running, aligned);
    assertThat(same).hasSizeGreaterThan(700).doesNotContain("m0 ()Ljava/lang/String;");
    assertThat(
            ClassDiff.between(ClassShape.of(running, same), ClassShape.of(aligned, same))
                .changedKeys())
        .isEqualTo(ClassDiff.between(ClassShape.of(running), ClassShape.of(patched)).changedKeys())
        .containsExactly("m0 ()Ljava/lang/String;");
  }

  @Test
  void aSmallClassesPatchIsLeftAsJavacWroteIt() throws Exception {
    byte[] running = ClassFixtures.compile("fx.Big", bigClass(10, "first"));
    byte[] patched = ClassFixtures.compile("fx.Big", bigClass(10, "changed"));

    assertThat(PoolOrder.alignedTo(running, patched)).isSameAs(patched);
  }

  private static boolean extendsPool(byte[] older, byte[] newer) {
    return MethodTable.poolExtends(new ClassReader(older), older, new ClassReader(newer), newer);
  }
}

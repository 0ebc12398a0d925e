package dev.jlive.agent.safepoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.agent.testing.ClassFixtures;
import dev.jlive.agent.testing.GateOnlyDispatcher;
import dev.jlive.agent.weave.MethodTable;
import dev.jlive.bridge.JLiveBridge;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.util.CheckClassAdapter;
import org.objectweb.asm.util.Textifier;
import org.objectweb.asm.util.TraceMethodVisitor;

/**
 * Old and new bodies in one method behind the gate's switch: the merged class passes ASM's verifier
 * and the JVM's, runs the old bodies while the switch is off (the control: the merge alone changes
 * nothing) and the new ones once it is on, with loops, a try/catch, long and reference parameters,
 * an instance method and a loop at offset 0 (a body that starts with a stack map frame).
 */
class BodySwitchTest {
  private static final int GATE = 7;

  private static final String V1 =
      """
      package fx;
      public class Calc {
        public static String run(long a, String s, int n) {
          StringBuilder b = new StringBuilder("v1:");
          for (int i = 0; i < n; i++) {
            b.append(i);
          }
          try {
            if (s == null) {
              throw new IllegalStateException();
            }
            b.append(s);
          } catch (IllegalStateException e) {
            b.append("null");
          }
          return b.append(a).toString();
        }
        public int twice(int x) {
          return x * 2;
        }
        public static int down(int n) {
          while (n > 10) {
            n--;
          }
          return n;
        }
        public Calc() {}
      }
      """;

  private static final String V2 =
      V1.replace("\"v1:\"", "\"v2:\"")
          .replace("x * 2", "x * 3 + (int) Math.signum(x)")
          .replace("n > 10", "n > 20")
          .replace("b.append(\"null\")", "b.append(\"none\").append(e == null)");

  private static final Set<String> CHANGED =
      Set.of("run (JLjava/lang/String;I)Ljava/lang/String;", "twice (I)I", "down (I)I");

  private volatile boolean switchedOver;

  @AfterEach
  void noDispatcher() {
    JLiveBridge.dispatchTo(null);
  }

  @Test
  void theSwitchChoosesTheBodyAndTheMergedClassVerifies() throws Exception {
    byte[] merged =
        BodySwitch.merge(
            ClassFixtures.compile("fx.Calc", V1),
            ClassFixtures.compile("fx.Calc", V2),
            CHANGED,
            GATE);
    assertThat(merged).isNotNull();
    StringWriter problems = new StringWriter();
    CheckClassAdapter.verify(
        new ClassReader(merged), getClass().getClassLoader(), false, new PrintWriter(problems));
    assertThat(problems.toString()).isEmpty();

    JLiveBridge.dispatchTo(new SwitchOnly());
    Class<?> calc = ClassFixtures.define("fx.Calc", merged);
    Object instance = calc.getConstructor().newInstance();
    Method run = calc.getMethod("run", long.class, String.class, int.class);
    Method twice = calc.getMethod("twice", int.class);
    Method down = calc.getMethod("down", int.class);

    assertThat(run.invoke(null, 5L, null, 3)).isEqualTo("v1:012null5");
    assertThat(run.invoke(null, 5L, "x", 0)).isEqualTo("v1:x5");
    assertThat(twice.invoke(instance, 4)).isEqualTo(8);
    assertThat(down.invoke(null, 30)).isEqualTo(10);

    switchedOver = true;

    assertThat(run.invoke(null, 5L, null, 3)).isEqualTo("v2:012nonefalse5");
    assertThat(run.invoke(null, 5L, "x", 0)).isEqualTo("v2:x5");
    assertThat(twice.invoke(instance, 4)).isEqualTo(13);
    assertThat(down.invoke(null, 30)).isEqualTo(20);
  }

  @Test
  void aChangedConstructorCannotBeSwitched() throws Exception {
    byte[] v2 =
        ClassFixtures.compile(
            "fx.Calc", V1.replace("public Calc() {}", "public Calc() { System.gc(); }"));
    assertThat(
            BodySwitch.merge(ClassFixtures.compile("fx.Calc", V1), v2, Set.of("<init> ()V"), GATE))
        .isNull();
  }

  @Test
  void theMergedClassKeepsTheOldConstantPoolInItsOrderAndTheOtherMethodsAsTheyWere()
      throws Exception {
    byte[] v1 = ClassFixtures.compile("fx.Calc", V1);
    byte[] merged =
        BodySwitch.merge(v1, ClassFixtures.compile("fx.Calc", V2), Set.of("twice (I)I"), GATE);
    assertThat(merged).isNotNull();

    // Each old entry at its old index: what makes the JVM's pool merge cheap on a big class.
    ClassReader before = new ClassReader(v1);
    ClassReader after = new ClassReader(merged);
    assertThat(after.getItemCount()).isGreaterThan(before.getItemCount());
    for (int i = 1; i < before.getItemCount(); i++) {
      int from = before.getItem(i);
      int length = (i + 1 < before.getItemCount() ? before.getItem(i + 1) : before.header) - from;
      if (length > 0) {
        assertThat(Arrays.copyOfRange(merged, after.getItem(i) - 1, after.getItem(i) + length - 1))
            .as("constant %d", i)
            .isEqualTo(Arrays.copyOfRange(v1, from - 1, from + length - 1));
      }
    }
    // The unchanged methods, copied: the same bytes, attributes and all.
    assertThat(methodBytes(merged, "run")).isEqualTo(methodBytes(v1, "run"));
    assertThat(methodBytes(merged, "down")).isEqualTo(methodBytes(v1, "down"));
    assertThat(codeOf(merged, "twice")).isNotEqualTo(codeOf(v1, "twice"));
  }

  /** A method's method_info structure, as the class file has it. */
  private static byte[] methodBytes(byte[] bytes, String method) {
    MethodTable.Method found =
        MethodTable.of(new net.bytebuddy.jar.asm.ClassReader(bytes)).stream()
            .filter(m -> m.key().startsWith(method + " "))
            .findFirst()
            .orElseThrow();
    return Arrays.copyOfRange(bytes, found.start(), found.end());
  }

  /** The instructions of a method, as ASM prints them. */
  private static String codeOf(byte[] bytes, String method) {
    ClassNode node = new ClassNode();
    new ClassReader(bytes).accept(node, 0);
    MethodNode found =
        node.methods.stream().filter(m -> m.name.equals(method)).findFirst().orElseThrow();
    Textifier text = new Textifier();
    found.accept(new TraceMethodVisitor(text));
    StringWriter out = new StringWriter();
    text.print(new PrintWriter(out));
    return out.toString();
  }

  /** Answers only the switch: on for {@link #GATE} once {@link #switchedOver}. */
  private final class SwitchOnly extends GateOnlyDispatcher {
    @Override
    public Object gateEnter(int gate, int method, int version) {
      return gate == GATE && method == Gates.SWITCH && switchedOver ? Boolean.TRUE : null;
    }

    @Override
    public void gateExit(int gate) {}
  }
}

package dev.jlive.agent.safepoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.bridge.JLiveBridge;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/**
 * The re-invoker a frame held at the gate calls: nulls, primitives, statics, varargs, void,
 * exceptions.
 */
class ReinvokerTest {
  static String mixed(String text, int number, long big, double ratio, boolean flag, Object extra) {
    return text + "," + number + "," + big + "," + ratio + "," + flag + "," + extra;
  }

  String onInstance(Integer boxed, char letter) {
    return "i:" + boxed + letter;
  }

  static String varargs(String... parts) {
    return parts == null ? "null array" : String.join("+", parts);
  }

  static int calls;

  static void nothing() {
    calls++;
  }

  static String fails(String why) {
    throw new IllegalArgumentException(why);
  }

  private static Object reinvoke(String name, Object self, Object... args) throws Throwable {
    Method method = null;
    for (Method candidate : ReinvokerTest.class.getDeclaredMethods()) {
      if (candidate.getName().equals(name)) {
        method = candidate;
      }
    }
    boolean isStatic = Modifier.isStatic(method.getModifiers());
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    MethodHandle direct =
        isStatic ? lookup.unreflect(method) : lookup.unreflectSpecial(method, ReinvokerTest.class);
    return JLiveBridge.reinvoke(
        QuiescentSwap.reinvoker(direct, isStatic, method.getParameterCount()), self, args);
  }

  @Test
  void nullsAndPrimitivesReachTheMethodAsTheyWere() throws Throwable {
    assertThat(reinvoke("mixed", null, null, 7, 7_000_000_000L, 0.5, true, null))
        .isEqualTo("null,7,7000000000,0.5,true,null");
    assertThat(reinvoke("onInstance", new ReinvokerTest(), null, 'x')).isEqualTo("i:nullx");
  }

  @Test
  void aVarargsArrayIsPassedAsItIsAndVoidReturnsNull() throws Throwable {
    assertThat(reinvoke("varargs", null, (Object) new String[] {"a", "b"})).isEqualTo("a+b");
    assertThat(reinvoke("varargs", null, (Object) null)).isEqualTo("null array");
    int before = calls;
    assertThat(reinvoke("nothing", null)).isNull();
    assertThat(calls).isEqualTo(before + 1);
  }

  @Test
  void theMethodsOwnExceptionIsWhatComesOut() {
    assertThatThrownBy(() -> reinvoke("fails", null, "because"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("because");
  }
}

package dev.jlive.agent.expression;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.junit.jupiter.api.Test;

/**
 * Which conditions can take the method's arguments as they are, and the boxed call derived from a
 * typed one (issue 16).
 */
class TypedConditionShapeTest {
  @Test
  void aConditionOnParametersOrLiteralIndexesIsTypedAndOneOnTheWholeArrayIsNot() {
    assertThat(ProbeExpressions.readsArgumentArray("sku == -1", 2)).isFalse();
    assertThat(ProbeExpressions.readsArgumentArray("args[0] > 10 && args[1] < 3", 2)).isFalse();
    assertThat(ProbeExpressions.readsArgumentArray("this.args != null", 2)).isFalse();
    assertThat(ProbeExpressions.readsArgumentArray("myargs > 0 && args_ > 0", 2)).isFalse();

    assertThat(ProbeExpressions.readsArgumentArray("args.length == 2", 2)).isTrue();
    assertThat(ProbeExpressions.readsArgumentArray("args[sku] != null", 2)).isTrue();
    assertThat(ProbeExpressions.readsArgumentArray("args[2] != null", 2)).isTrue();
  }

  @Test
  void theBoxedCallOfATypedConditionUnboxesTheArrayAndIgnoresReturnedAndThrown() throws Throwable {
    MethodHandle typed =
        MethodHandles.lookup()
            .findStatic(
                TypedConditionShapeTest.class,
                "skuIs",
                MethodType.methodType(boolean.class, int.class, long.class));
    MethodHandle boxed = ProbeExpressions.boxedCaller(typed, 2, true);
    assertThat(boxed.type()).isEqualTo(ProbeExpressions.CONDITION);
    assertThat(
            (boolean)
                boxed.invokeExact(
                    (Object) null, new Object[] {7, 7L}, (Object) null, (Throwable) null))
        .isTrue();
    assertThat(
            (boolean)
                boxed.invokeExact(
                    (Object) null, new Object[] {7, 8L}, (Object) null, (Throwable) null))
        .isFalse();
  }

  private static boolean skuIs(int sku, long qty) {
    return sku == qty;
  }
}

package dev.jlive.agent.expression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.agent.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.SimpleRemapper;
import org.junit.jupiter.api.Test;

/**
 * The read-only check on real expressions compiled by the agent's own compiler against {@link
 * Shop}. Each refused case has its negative control: the same expression compiles and, run as it
 * would have been before the check existed, does the harm (or it is shown to compile, where running
 * it would hang the test).
 */
class ReadOnlyCheckTest {
  private static final List<ProbeExpressions.Variable> VARIABLES =
      List.of(
          new ProbeExpressions.Variable("label", "String", null),
          new ProbeExpressions.Variable("count", "int", "Integer"),
          new ProbeExpressions.Variable("order", "dev.jlive.agent.expression.Shop.Order", null),
          new ProbeExpressions.Variable("x", "String", null));

  /** Bytes a class "runs" in place of its class file, as a patch would have it. */
  private final Map<Class<?>, byte[]> running = new HashMap<>();

  private final ClassSource classes =
      new ClassSource() {
        @Override
        public Class<?> loaded(String internalName) {
          try {
            return Class.forName(
                internalName.replace('/', '.'), false, Shop.class.getClassLoader());
          } catch (ClassNotFoundException e) {
            return null;
          }
        }

        @Override
        public byte[] runningBytes(Class<?> type) {
          return running.containsKey(type)
              ? running.get(type)
              : classFile(type.getName().replace('.', '/'));
        }

        @Override
        public boolean isInitialised(Class<?> type) {
          return type != Shop.Lazy.class;
        }
      };

  // ---- accepted: what engineers write ----

  @Test
  void commonReadsAreAccepted() throws Throwable {
    Shop shop = new Shop();
    Object[] args = {"apple", 12, shop.order, "abc"};
    for (String expression :
        List.of(
            "(int) args[0 + 1] > 10",
            "this.total > 100",
            "label.length() > 3",
            "order.id == 7",
            "x != null && x.startsWith(\"a\")",
            "count > 10 && label.contains(\"pp\")",
            "this.total() > 100",
            "Shop.twice(count) == 24",
            "Math.max(count, 3) == 12 && Integer.valueOf(count).equals(12)",
            "this.name.toUpperCase().equals(\"ANN\")",
            "thrown == null",
            "order.getClass().getSimpleName().equals(\"Order\")",
            "switch (count) { case 12 -> true; default -> false; }",
            "switch (label) { case \"apple\" -> true; default -> false; }",
            "new StringBuilder().append(label).append(count).toString().length() > 3",
            "java.time.Duration.ofMillis(count).toMillis() == 12",
            "this.maybe.isPresent() && this.maybe.get().equals(\"z\")")) {
      String source = expression;
      assertThat(check(source, false)).as(source).isEmpty();
      assertThat(
              (boolean)
                  run(source, false)
                      .invokeExact((Object) shop, args, (Object) null, (Throwable) null))
          .as(source)
          .isTrue();
    }
  }

  @Test
  void templateValuesAreAccepted() throws Throwable {
    Shop shop = new Shop();
    Object[] args = {"apple", 12, shop.order, "abc"};
    for (String expression :
        List.of("order.id", "count * 2", "\"#\" + order.id + \" of \" + label", "this.total")) {
      assertThat(check(expression, true)).as(expression).isEmpty();
    }
    assertThat(
            (Object)
                run("\"#\" + order.id + \" of \" + label", true)
                    .invokeExact((Object) shop, args, (Object) null, (Throwable) null))
        .isEqualTo("#7 of apple");
  }

  @Test
  void anArgumentByIndexHasItsDeclaredTypeWithoutACast() throws Throwable {
    Shop shop = new Shop();
    Object[] args = {"apple", 12, shop.order, "abc"};
    for (String expression :
        List.of(
            "args[1] > 10",
            "args[0].length() == 5 && args[1] * 2 == 24",
            "args[2].id == 7",
            "\"args[1]\".length() == 7 && args.length == 4",
            "((Integer) args[1]) == 12")) {
      assertThat(check(expression, false)).as(expression).isEmpty();
      assertThat(
              (boolean)
                  run(expression, false)
                      .invokeExact((Object) shop, args, (Object) null, (Throwable) null))
          .as(expression)
          .isTrue();
    }
    // The control: the array itself still holds Objects, so without the typed reading this fails.
    assertThat(compiles("args[1] + 0 > 10")).isTrue();
    assertThat(compiles("(args)[1] > 10")).isFalse();
    assertThat(ProbeExpressions.rewrite("args[1] > args[12] && xargs[0] == s.args[1]", 4))
        .isEqualTo("args$1  > args[12] && xargs[0] == s.args[1]");
  }

  // ---- refused, each with its control ----

  @Test
  void aLoopInASwitchExpressionIsRefused() {
    String spin =
        "switch (count) { default -> { int i = 0; while (i >= 0) { i = i | 1; } yield true; } }";
    assertThat(compiles(spin)).isTrue();
    assertThat(check(spin, false)).anyMatch(v -> v.contains("loops (jumps backwards)"));
  }

  @Test
  void blockingAndUnboundedJdkCallsAreRefused() {
    String await =
        "switch (count) { default -> { try { yield this.pending.get() != null; } catch (Exception e) { yield false; } } }";
    assertThat(check(await, false))
        .containsExactly("calls java.util.concurrent.Future.get() (may block)");
    assertThat(check("\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\".matches(\"(a+)+b\")", false))
        .containsExactly(
            "calls java.lang.String.matches(java.lang.String) (runs a regular expression, which can take exponential time)");
    assertThat(check("label.repeat(1_000_000).length() > 0", false))
        .anyMatch(v -> v.contains("String.repeat(int) (allocates without bound)"));
    assertThat(check("new byte[150_000_000].length > 0", false))
        .containsExactly("creates an array");
    for (String spin :
        List.of(await, "label.matches(\"(a+)+b\")", "new byte[150_000_000].length > 0")) {
      assertThat(compiles(spin)).as(spin).isTrue();
    }
  }

  @Test
  void applicationToStringEqualsHashCodeAndCompareToAreRefused() throws Throwable {
    Shop shop = new Shop();
    Object[] args = {"apple", 12, shop.order, "abc"};
    Map<String, String> refusals =
        Map.of(
            "order.toString().isEmpty()",
                "calls dev.jlive.agent.expression.Shop$Order.toString(), which assigns the field",
            "order.equals(this.key)", "Shop$Order.equals(java.lang.Object), which assigns",
            "order.hashCode() == 7", "Shop$Order.hashCode(), which assigns the field",
            "order.compareTo(order) == 0",
                "Shop$Order.compareTo(dev.jlive.agent.expression.Shop$Order), which assigns",
            "this.key.equals(order)",
                "calls java.lang.Object.equals(java.lang.Object) (runs the equals() of the value's own class",
            "java.util.Objects.equals(this.key, order)",
                "calls java.util.Objects.equals(java.lang.Object, java.lang.Object) (calls equals()",
            "new StringBuilder().append(this.key).length() > 0",
                "StringBuilder.append(java.lang.Object) (only the StringBuilder calls",
            "(\"#\" + this.key).isEmpty()",
                "(calls toString() of its argument's class, which may be application code");
    refusals.forEach(
        (expression, refusal) ->
            assertThat(String.join("\n", check(expression, false)))
                .as(expression)
                .contains(refusal));
    // Control: run as before the check, each of them runs the application's own code.
    for (String expression : refusals.keySet()) {
      int before = shop.order.renders + ((Shop.Order) shop.key).renders;
      boolean ignored =
          (boolean)
              run(expression, false)
                  .invokeExact((Object) shop, args, (Object) null, (Throwable) null);
      assertThat(shop.order.renders + ((Shop.Order) shop.key).renders)
          .as(expression)
          .isGreaterThan(before);
    }
  }

  @Test
  void interfaceCallsThatReachApplicationCodeAreRefused() {
    assertThat(check("this.supplier.get().isEmpty()", false))
        .containsExactly(
            "calls java.util.function.Supplier.get() (runs whatever the supplier is, application code)");
    assertThat(check("this.local.get() != null", false))
        .anyMatch(v -> v.contains("ThreadLocal.get() (may run the thread local's initialiser"));
    assertThat(check("this.prices.get(label) != null", false))
        .anyMatch(v -> v.contains("java.util.Map.get(java.lang.Object) (an interface method"));
    assertThat(check("this.comparator.compare(label, x) > 0", false))
        .anyMatch(
            v ->
                v.contains(
                    "java.util.Comparator.compare(java.lang.Object, java.lang.Object) (runs the compare()"));
    assertThat(check("this.items.size() > 1", false))
        .anyMatch(v -> v.contains("java.util.List.size() (an interface method"));
  }

  @Test
  void anAccessOrderedLinkedHashMapIsNotReorderedByACheckedExpression() throws Throwable {
    assertThat(check("this.recent.get(label) != null", false))
        .containsExactly(
            "calls java.util.LinkedHashMap.get(java.lang.Object) (reorders an access-ordered map)");
    Shop shop = new Shop();
    shop.recent.put("apple", "1");
    shop.recent.put("pear", "2");
    boolean ignored =
        (boolean)
            run("this.recent.get(label) != null", false)
                .invokeExact(
                    (Object) shop,
                    new Object[] {"apple", 1, shop.order, "a"},
                    (Object) null,
                    (Throwable) null);
    assertThat(shop.recent.keySet())
        .as("control: get reordered the map")
        .containsExactly("pear", "apple");
  }

  @Test
  void staticInitialisersAndOverridableGettersAreRefused() throws Throwable {
    assertThat(check("Shop.Lazy.limit > 0", false))
        .anyMatch(v -> v.contains("Shop$Lazy.limit of a class that is not initialised"));
    assertThat(check("this.account.getBalance() > 0", false))
        .anyMatch(v -> v.contains("Shop$Account.getBalance() (a subclass can override it"));
    // Control: an overriding subclass's code is what runs.
    Shop shop = new Shop();
    Shop.AuditedAccount audited = new Shop.AuditedAccount();
    shop.account = audited;
    MethodHandle balance = run("this.account.getBalance() > 0", false);
    boolean ignored =
        (boolean)
            balance.invokeExact(
                (Object) shop, new Object[] {"a", 1, null, null}, (Object) null, (Throwable) null);
    assertThat(audited.audits).isEqualTo(1);
  }

  @Test
  void aGetterThatWritesIsRefusedAndSoIsOneThatWasPatchedToWrite() throws Throwable {
    assertThat(check("this.countedTotal() > 0", false))
        .containsExactly(
            "calls dev.jlive.agent.expression.Shop.countedTotal(), which assigns the field dev.jlive.agent.expression.Shop.reads");
    assertThat(check("this.meter.value() > 0", false)).as("the class file only reads").isEmpty();
    running.put(Shop.Meter.class, patchedMeter());
    assertThat(check("this.meter.value() > 0", false))
        .as("the running bytes write")
        .containsExactly(
            "calls dev.jlive.agent.expression.Shop$Meter.value(), which assigns the field "
                + "dev.jlive.agent.expression.Shop$Meter.value");
  }

  @Test
  void textThatClosesTheMethodAndDeclaresMembersIsNotAnExpression() {
    String escape =
        "true; } static int spin() { while (true) { } } static boolean other() { return true";
    ProbeExpressions.Compiled escaped = compile(escape, false);
    Compilation compiled = escaped.compilation();
    assertThat(compiled.succeeded()).as("control: javac accepts it inside the class body").isTrue();
    assertThat(ExpressionShape.extras(compiled.classes(), escaped.className(), false))
        .contains("declares the method spin()", "declares the method other()");
    String nested =
        "true; } static class Worker { static { System.exit(3); } } static boolean other() { return true";
    ProbeExpressions.Compiled withClass = compile(nested, false);
    assertThat(withClass.compilation().succeeded()).isTrue();
    assertThat(
            ExpressionShape.extras(withClass.compilation().classes(), withClass.className(), false))
        .anyMatch(v -> v.startsWith("declares the class"))
        .contains("declares the method other()");
    String initialiser = "true; } static { System.exit(3); } static boolean other() { return true";
    ProbeExpressions.Compiled withInitialiser = compile(initialiser, false);
    assertThat(
            ExpressionShape.extras(
                withInitialiser.compilation().classes(), withInitialiser.className(), false))
        .contains("declares a static initialiser (or uses assert)");
  }

  @Test
  void aValueComputedIntoALocalIsRefusedSoNothingDoublesWithoutBound() {
    String doubling =
        "switch (count) { default -> { String a = label + label; String b = a + a; String c = b + b; yield c.isEmpty(); } }";
    assertThat(check(doubling, false))
        .anyMatch(v -> v.contains("keeps a computed object in a local variable"));
    String joined =
        "switch (count) { default -> { String a = count > 0 ? label + label : x; yield a.isEmpty(); } }";
    assertThat(check(joined, false))
        .as("the value stored after a join may be computed")
        .anyMatch(v -> v.contains("keeps a computed object"));
    assertThat(check("this.key instanceof Shop.Order o && o.id == 1", false)).isEmpty();
  }

  // ---- harness ----

  private List<String> check(String expression, boolean value) {
    ProbeExpressions.Compiled compiled = compile(expression, value);
    assertThat(compiled.compilation().succeeded())
        .as(expression + ": " + compiled.compilation().errorReport())
        .isTrue();
    List<String> found =
        new ArrayList<>(
            ExpressionShape.extras(compiled.compilation().classes(), compiled.className(), true));
    found.addAll(
        ReadOnlyCheck.violations(
            compiled.compilation().classes().get(compiled.className()), classes));
    return found;
  }

  private boolean compiles(String expression) {
    ProbeExpressions.Compiled compiled = compile(expression, false);
    return compiled.compilation().succeeded()
        && ExpressionShape.extras(compiled.compilation().classes(), compiled.className(), false)
            .isEmpty();
  }

  private static ProbeExpressions.Compiled compile(String expression, boolean value) {
    return ProbeExpressions.compileOnly(
        Shop.class,
        false,
        VARIABLES,
        null,
        false,
        expression,
        value ? ProbeExpressions.VALUE : ProbeExpressions.CONDITION);
  }

  /** The expression defined as it was before the check: a hidden nestmate of Shop, unchecked. */
  private static MethodHandle run(String expression, boolean value)
      throws ReflectiveOperationException {
    ProbeExpressions.Compiled compiled = compile(expression, value);
    assertThat(compiled.compilation().succeeded())
        .as(compiled.compilation().errorReport())
        .isTrue();
    MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(Shop.class, MethodHandles.lookup());
    Class<?> hidden =
        lookup
            .defineHiddenClass(
                compiled.compilation().classes().get(compiled.className()),
                true,
                MethodHandles.Lookup.ClassOption.NESTMATE)
            .lookupClass();
    MethodType type = value ? ProbeExpressions.VALUE : ProbeExpressions.CONDITION;
    return lookup.in(hidden).findStatic(hidden, "test", type);
  }

  /**
   * PatchedMeter's class file renamed to Meter: what the JVM would run after a patch of
   * Meter#value.
   */
  private static byte[] patchedMeter() {
    String patched = "dev/jlive/agent/expression/Shop$PatchedMeter";
    String meter = "dev/jlive/agent/expression/Shop$Meter";
    ClassWriter writer = new ClassWriter(0);
    new ClassReader(classFile(patched))
        .accept(new ClassRemapper(writer, new SimpleRemapper(patched, meter)), 0);
    return writer.toByteArray();
  }

  private static byte[] classFile(String internalName) {
    try (InputStream in =
        Shop.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}

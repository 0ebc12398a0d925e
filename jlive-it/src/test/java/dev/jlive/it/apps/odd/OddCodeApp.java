package dev.jlive.it.apps.odd;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.function.IntFunction;

/**
 * A target full of odd code. Each command "NAME K" makes K logical calls of one kind of code and
 * answers "NAME RESULT" with the last result, so a probe's count can be compared with K and the
 * answer with the one before any change.
 */
public final class OddCodeApp {
  private OddCodeApp() {}

  public static void main(String[] args) throws Exception {
    Counter counter = new Counter();
    Handlers.Handler handler = new Handlers.EchoHandler();
    Greeters.Greeter friendly = new Greeters.FriendlyGreeter();
    Greeters.Greeter proxy = Greeters.jdkProxy(friendly);
    Greeters.Service subclass = Greeters.generatedSubclass();
    Point point = new Point(2, 3);
    Money five = new Money(5);
    @SuppressWarnings({"unchecked", "rawtypes"})
    Comparable<Object> raw = (Comparable) five;
    BitSet bits = new BitSet();
    Ledger ledger = new Ledger();
    System.out.println("ready " + ProcessHandle.current().pid());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] words = line.split(" ");
      int times = Integer.parseInt(words[1]);
      IntFunction<Object> call =
          switch (words[0]) {
            case "point" -> i -> point.sum();
            case "op" -> i -> Op.TIMES.twice(3);
            case "handle" -> i -> handler.handle("x");
            case "describe" -> i -> new Handlers.Derived().describe();
            case "please" -> i -> new Politeness.Polite().please("tea");
            // Half through Comparable (the bridge, then the real method), half direct: each is one
            // call.
            case "money" ->
                i -> i % 2 == 0 ? raw.compareTo(new Money(3)) : five.compareTo(new Money(3));
            case "lambda" -> i -> Lambdas.triple(2);
            case "counter" -> i -> counter.next();
            case "widget" -> i -> new Widget(3).size();
            // Half through the JDK proxy, half direct: the implementation runs once per call either
            // way.
            case "greet" -> i -> i % 2 == 0 ? proxy.greet("x") : friendly.greet("x");
            case "subclass" -> i -> subclass.greet("x");
            case "ledger" -> i -> ledger.doubled("21");
            case "bits" ->
                i -> {
                  bits.flip(7);
                  return bits.get(7);
                };
            case "big" -> i -> invoke("dev.jlive.it.apps.odd.BigMethod", "compute", 0);
            case "nodebug" -> i -> invoke("dev.jlive.it.apps.odd.NoDebug", "greet", "x");
            default -> null;
          };
      if (call == null) {
        System.out.println(words[0] + " unknown");
        continue;
      }
      Object last = null;
      for (int i = 0; i < times; i++) {
        last = call.apply(i);
      }
      System.out.println(words[0] + " " + last);
    }
  }

  /**
   * Classes made by the test (generated, or compiled without debug information) are found by name.
   */
  private static Object invoke(String className, String methodName, Object argument) {
    try {
      Class<?> type = Class.forName(className);
      for (Method method : type.getMethods()) {
        if (method.getName().equals(methodName)) {
          return method.invoke(
              method.getParameterCount() == 1 && Modifier.isStatic(method.getModifiers())
                  ? null
                  : type.getConstructor().newInstance(),
              argument);
        }
      }
      return "no " + methodName;
    } catch (ReflectiveOperationException e) {
      return e.toString();
    }
  }
}

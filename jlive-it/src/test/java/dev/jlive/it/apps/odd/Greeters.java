package dev.jlive.it.apps.odd;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.SuperMethodCall;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Generated classes in front of real code: a JDK dynamic proxy and a CGLIB-style generated
 * subclass.
 */
public final class Greeters {
  private Greeters() {}

  public interface Greeter {
    String greet(String name);
  }

  public static final class FriendlyGreeter implements Greeter {
    @Override
    public String greet(String name) {
      return "hello " + name;
    }
  }

  /**
   * What Spring proxies with CGLIB: a class, subclassed at run time with overriding methods that
   * call super.
   */
  public static class Service {
    public String greet(String name) {
      return "hi " + name;
    }
  }

  /** A JDK proxy whose handler forwards to a real implementation, as most decorating proxies do. */
  public static Greeter jdkProxy(Greeter target) {
    InvocationHandler handler = (proxy, method, args) -> method.invoke(target, args);
    return (Greeter)
        Proxy.newProxyInstance(
            Greeter.class.getClassLoader(), new Class<?>[] {Greeter.class}, handler);
  }

  /** A subclass generated at run time whose greet calls super.greet, as CGLIB's do. */
  public static Service generatedSubclass() throws ReflectiveOperationException {
    return new ByteBuddy()
        .subclass(Service.class)
        .name(Service.class.getName() + "$$Generated")
        .method(ElementMatchers.named("greet"))
        .intercept(SuperMethodCall.INSTANCE)
        .make()
        .load(Service.class.getClassLoader())
        .getLoaded()
        .getConstructor()
        .newInstance();
  }
}

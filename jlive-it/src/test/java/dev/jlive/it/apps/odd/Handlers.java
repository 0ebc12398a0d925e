package dev.jlive.it.apps.odd;

/**
 * Interface and class hierarchies where a method is declared in one type and named through another,
 * as in Jetty ({@code Handler#handle} declared in a super-interface).
 */
public final class Handlers {
  private Handlers() {}

  /** Declares handle. */
  public interface BaseHandler {
    String handle(String request);
  }

  /** Inherits handle from BaseHandler, declares nothing of its own. */
  public interface Handler extends BaseHandler {}

  public static final class EchoHandler implements Handler {
    @Override
    public String handle(String request) {
      return "echo:" + request;
    }
  }

  /** The code of describe lives here. */
  public static class Base {
    public String describe() {
      return "base";
    }
  }

  /** Inherits describe from Base. */
  public static final class Derived extends Base {}
}

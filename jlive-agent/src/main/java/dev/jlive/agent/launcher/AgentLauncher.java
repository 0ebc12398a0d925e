package dev.jlive.agent.launcher;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.util.jar.JarFile;

/**
 * The agent's front door for {@code -javaagent} and dynamic attach. It is loaded by the
 * application's class loader, so it does as little as possible: it finds out whether an agent
 * runs already, opens the agent core in a {@link CoreClassLoader} of its own and hands over.
 * It keeps no reference to what it started.
 */
public final class AgentLauncher {
  static final String BRIDGE_CLASS = "dev.jlive.bridge.JLiveBridge";
  static final String CORE_ENTRY = "dev.jlive.agent.AgentRuntime";

  private AgentLauncher() {}

  /** {@code -javaagent}: a failure must never stop the application from starting. */
  public static void premain(String options, Instrumentation instrumentation) {
    try {
      launch(options, instrumentation, "javaagent");
    } catch (Throwable t) {
      System.err.println("jlive: agent not started: " + describe(t));
    }
  }

  /** Dynamic attach: a failure is thrown, so the attaching tool learns about it. */
  public static void agentmain(String options, Instrumentation instrumentation) throws Exception {
    String mode = "attach";
    String rest = options == null ? "" : options;
    // JLive.start() attaches through a helper process and marks itself so that `info` can say so.
    if (rest.startsWith("mode=library")) {
      mode = "library";
      rest = rest.substring("mode=library".length());
      rest = rest.startsWith(",") ? rest.substring(1) : rest;
    }
    launch(rest, instrumentation, mode);
  }

  static void launch(String options, Instrumentation instrumentation, String mode) throws Exception {
    if (runningAgent() != null) {
      return;
    }
    URL location = AgentLauncher.class.getProtectionDomain().getCodeSource().getLocation();
    File agentJar = new File(location.toURI());
    CoreClassLoader loader = new CoreClassLoader(new JarFile(agentJar), location);
    try {
      Class<?> core = Class.forName(CORE_ENTRY, true, loader);
      Method start = core.getMethod("start", Instrumentation.class, String.class, String.class, String.class);
      start.invoke(null, instrumentation, options == null ? "" : options, mode, agentJar.getAbsolutePath());
    } catch (InvocationTargetException e) {
      loader.close();
      Throwable cause = e.getCause();
      throw cause instanceof Exception ex ? ex : new IllegalStateException(cause);
    } catch (ReflectiveOperationException | RuntimeException | Error e) {
      loader.close();
      throw e;
    }
  }

  /** The agent that runs in this JVM, or null; looked up reflectively since the bridge may be absent. */
  static Object runningAgent() {
    try {
      Class<?> bridge = Class.forName(BRIDGE_CLASS, true, null);
      return bridge.getMethod("agent").invoke(null);
    } catch (ClassNotFoundException notYetOnTheBootClassPath) {
      return null;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the jlive bridge on the boot class path is unusable", e);
    }
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    return message == null ? t.toString() : message;
  }
}

package dev.jlive.agent.launcher;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.util.jar.JarFile;

/**
 * The main class of the fresh JVM {@code jlive replay FILE --cp CLASSPATH} forks: {@code java -cp
 * jlive-agent.jar dev.jlive.agent.launcher.ReplayLauncher FILE CLASSPATH}. It opens the agent core
 * in its {@link CoreClassLoader}, as the agent does, and runs record.FreshReplay there, so the
 * replayed build's classes (loaded from CLASSPATH) never see jlive's.
 */
public final class ReplayLauncher {
  private ReplayLauncher() {}

  public static void main(String[] args) throws Exception {
    URL location = ReplayLauncher.class.getProtectionDomain().getCodeSource().getLocation();
    CoreClassLoader loader = new CoreClassLoader(new JarFile(new File(location.toURI())), location);
    try {
      Class.forName("dev.jlive.agent.record.FreshReplay", true, loader)
          .getMethod("main", String[].class)
          .invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}

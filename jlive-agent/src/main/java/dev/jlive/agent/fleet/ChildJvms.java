package dev.jlive.agent.fleet;

import dev.jlive.agent.weave.ClassPipeline;
import dev.jlive.agent.weave.Weaving;
import dev.jlive.agent.weave.WeavingSource;
import dev.jlive.bridge.JLiveBridge;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Child JVMs inherit the agent: while the agent is linked to a controller, {@code
 * ProcessBuilder.start} (which {@code Runtime.exec} uses too) is woven so that a command whose
 * {@code argv[0]} is a Java launcher ({@code java}, {@code java.exe}) and that loads no jlive agent
 * yet gets {@code -javaagent:<this agent's jar>=<the fleet options>} right after {@code argv[0]}.
 * The endpoint's own options (host, port, token file) are not passed: the child picks its own.
 *
 * <p>A {@link WeavingSource} of the class pipeline, so that stopping takes the weaving away and the
 * JVM restores {@code ProcessBuilder}'s original bytes.
 */
public final class ChildJvms implements WeavingSource {
  private static final String PROCESS_BUILDER = "java.lang.ProcessBuilder";

  private final Instrumentation instrumentation;
  private final ClassPipeline pipeline;
  private final System.Logger log;
  private final String agentArgument;
  private final String agentJar;

  /**
   * True when this JVM's JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS load jlive: children inherit them.
   */
  private final boolean inheritedByEnvironment;

  private final AsmVisitorWrapper advice;

  public ChildJvms(
      Instrumentation instrumentation,
      ClassPipeline pipeline,
      System.Logger log,
      Path agentJar,
      String childOptions) {
    this.instrumentation = instrumentation;
    this.pipeline = pipeline;
    this.log = log;
    this.agentJar = agentJar.toAbsolutePath().toString();
    this.agentArgument = "-javaagent:" + this.agentJar + "=" + childOptions;
    this.inheritedByEnvironment =
        loadsJlive(System.getenv("JAVA_TOOL_OPTIONS"))
            || loadsJlive(System.getenv("JDK_JAVA_OPTIONS"));
    this.advice =
        Advice.to(ChildJvmAdvice.class)
            .on(
                ElementMatchers.named("start")
                    .and(ElementMatchers.not(ElementMatchers.isStatic())));
  }

  /** Weaves {@code ProcessBuilder}; a failure is logged and leaves child JVMs without the agent. */
  public void start() {
    long started = System.nanoTime();
    try {
      // The advice, inside java.base, calls the bridge, which is in the boot loader's unnamed
      // module.
      instrumentation.redefineModule(
          Object.class.getModule(),
          Set.of(JLiveBridge.class.getModule()),
          Map.of(),
          Map.of(),
          Set.of(),
          Map.of());
      pipeline.addSource(this);
      Map<Class<?>, String> failed = pipeline.retransform(List.of(ProcessBuilder.class));
      if (!failed.isEmpty()) {
        log.log(
            System.Logger.Level.WARNING, "child JVMs will not get the agent: " + failed.values());
      } else {
        log.log(
            System.Logger.Level.INFO,
            "child JVMs get the agent (java.lang.ProcessBuilder woven in {0} ms)",
            Long.toString((System.nanoTime() - started) / 1_000_000));
      }
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.WARNING, "child JVMs will not get the agent", e);
    }
  }

  /** Restores {@code ProcessBuilder}'s original bytes. */
  public void stop() {
    pipeline.removeSource(this);
    Map<Class<?>, String> failed = pipeline.retransform(List.of(ProcessBuilder.class));
    if (!failed.isEmpty()) {
      log.log(
          System.Logger.Level.WARNING,
          "could not restore java.lang.ProcessBuilder: " + failed.values());
    }
  }

  /**
   * Called on the application's thread from {@code ProcessBuilder.start}, through the agent's
   * bridge dispatcher, which routes to it while this is started; never throws (the bridge fences it
   * anyway). Null means the child does not get this agent, and then not the controller token of the
   * environment either (see {@link ChildJvmAdvice}).
   */
  public List<String> rewrite(List<String> command) {
    if (inheritedByEnvironment) {
      // The child gets jlive (and joins the same service) through the inherited JAVA_TOOL_OPTIONS
      // or JDK_JAVA_OPTIONS: the command stays as it is, and so does the token in its environment.
      return command == null ? null : new ArrayList<>(command);
    }
    List<String> changed = withAgent(command, agentJar, agentArgument);
    if (changed != null) {
      log.log(System.Logger.Level.INFO, "child JVM {0} starts with the agent", command.get(0));
    }
    return changed;
  }

  /**
   * {@code command} with {@code agentArgument} after {@code argv[0]}, or null when it is no Java
   * launcher or loads a jlive agent already.
   */
  static List<String> withAgent(List<String> command, String agentJar, String agentArgument) {
    if (command == null || command.isEmpty() || command.get(0) == null) {
      return null;
    }
    String launcher = command.get(0);
    String name =
        launcher.substring(Math.max(launcher.lastIndexOf('/'), launcher.lastIndexOf('\\')) + 1);
    if (!name.equals("java") && !name.equalsIgnoreCase("java.exe")) {
      return null;
    }
    for (String argument : command.subList(1, command.size())) {
      if (argument != null && isJliveAgent(argument, agentJar)) {
        return null;
      }
    }
    if (asksTheLauncherOnly(command)) {
      return null;
    }
    List<String> changed = new ArrayList<>(command.size() + 1);
    changed.add(launcher);
    changed.add(agentArgument);
    changed.addAll(command.subList(1, command.size()));
    return changed;
  }

  /**
   * Options that make the launcher answer and exit (e.g. an application checking {@code java
   * -version}): no agent for those.
   */
  private static final Set<String> LAUNCHER_ONLY =
      Set.of(
          "-version",
          "--version",
          "-showversion",
          "--show-version",
          "-fullversion",
          "--full-version",
          "-help",
          "--help",
          "-h",
          "-?",
          "-X",
          "--help-extra",
          "--list-modules",
          "--dry-run",
          "--describe-module",
          "-d");

  /** Launcher options followed by a value in the next argument. */
  private static final Set<String> WITH_VALUE =
      Set.of(
          "-cp",
          "-classpath",
          "--class-path",
          "-p",
          "--module-path",
          "--upgrade-module-path",
          "--add-modules",
          "--add-opens",
          "--add-exports",
          "--add-reads",
          "--patch-module",
          "--limit-modules",
          "--enable-native-access",
          "--source");

  /**
   * True when the JVM's own options (those before the main class, {@code -jar} or {@code -m})
   * include one that makes the launcher print something and exit.
   */
  static boolean asksTheLauncherOnly(List<String> command) {
    for (int i = 1; i < command.size(); i++) {
      String argument = command.get(i);
      if (argument == null
          || !argument.startsWith("-")
          || argument.equals("-jar")
          || argument.equals("-m")
          || argument.equals("--module")
          || argument.startsWith("--module=")) {
        return false;
      }
      if (LAUNCHER_ONLY.contains(argument)) {
        return true;
      }
      if (WITH_VALUE.contains(argument)) {
        i++;
      }
    }
    return false;
  }

  /** {@code -javaagent:} naming this agent's jar or any jar named like jlive's. */
  static boolean isJliveAgent(String argument, String agentJar) {
    if (!argument.startsWith("-javaagent:")) {
      return false;
    }
    String value = argument.substring("-javaagent:".length());
    int eq = value.indexOf('=');
    String jar = eq < 0 ? value : value.substring(0, eq);
    String file =
        jar.substring(Math.max(jar.lastIndexOf('/'), jar.lastIndexOf('\\')) + 1)
            .toLowerCase(Locale.ROOT);
    return jar.equals(agentJar) || file.contains("jlive");
  }

  static boolean loadsJlive(String options) {
    if (options == null) {
      return false;
    }
    for (String word : options.trim().split("\\s+")) {
      if (isJliveAgent(word, "")) {
        return true;
      }
    }
    return false;
  }

  // ---- weaving ----

  @Override
  public boolean mayWeave(ClassLoader loader, String className) {
    return false;
  }

  @Override
  public List<Weaving> weavingsFor(
      ClassLoader loader,
      String className,
      Class<?> loaded,
      Supplier<TypeDescription> description) {
    if (loader != null || loaded != ProcessBuilder.class || !className.equals(PROCESS_BUILDER)) {
      return List.of();
    }
    return List.of(() -> advice);
  }
}

package dev.jlive.cli.attach;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.client.AgentClient;
import dev.jlive.cli.client.Endpoint;
import dev.jlive.cli.client.Targets;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.Discovery;
import dev.jlive.protocol.FileTrust;
import dev.jlive.protocol.UntrustedFileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads the agent into a local JVM, or finds it there already.
 *
 * <p>Everything that can be known before attaching is checked first from {@code /proc} (flags that
 * forbid attach, the process owner), because the JDK's own failures are slow (a JVM that ignores
 * attach is only noticed after a 10 s time-out) and vague about the cause.
 */
public final class Attacher {
  /**
   * What an attach found or did; {@code notes} are things the user should know, {@code phases}
   * where the time went (for {@code --timing}).
   */
  public record Result(
      long pid, boolean alreadyAttached, Discovery discovery, List<String> notes, String phases) {}

  /**
   * The agent checks that the jar it runs from still has the file stamp it had when this CLI
   * checked its bytes (see {@code AgentLauncher}): one {@code stat} instead of hashing 9 MB.
   */
  private static final String AGENT_STAMP_OPTION = "agentStamp=";

  /**
   * Names the jar this CLI loads, so that the launcher opens the core from it and not from its own
   * code source: a JVM keeps the launcher class of the first jlive jar attached to it, and that jar
   * may be another build's.
   */
  private static final String AGENT_JAR_OPTION = "agentJar=";

  /**
   * For tests only: {@code -Djlive.attach.nameAgentJar=false} leaves {@link #AGENT_JAR_OPTION} out,
   * as CLIs before it did, so that a test can show what a launcher then does (its negative
   * control). It can only make an attach fail, never load anything else.
   */
  static final String NAME_AGENT_JAR_PROPERTY = "jlive.attach.nameAgentJar";

  /** The second line of a launcher's failure file (see the agent's {@code LaunchFailure}). */
  private static final String LAUNCHER_CODE_PREFIX = "code: ";

  private Attacher() {}

  /**
   * The runtime directory another user's agent will write to: it must be absent (the agent makes
   * it) or that user's own and private, or someone else could read the token or plant the answer.
   */
  private static Path checkedRuntimeDirOf(LocalJvm jvm, UserPrincipal owner) {
    Path dir = Targets.runtimeDirs(jvm.user(), owner).get(0);
    try {
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        FileTrust.checkDirectory(dir, owner);
      }
      return dir;
    } catch (UntrustedFileException e) {
      throw Targets.untrusted(e);
    } catch (IOException e) {
      throw new CliException(
          ExitCode.ERROR, "IO_ERROR", "cannot check " + dir + ": " + e.getMessage(), "");
    }
  }

  private static UserPrincipal currentUser() {
    try {
      return FileTrust.currentUser();
    } catch (IOException e) {
      throw new CliException(
          ExitCode.ERROR,
          "IO_ERROR",
          "cannot tell which user jlive runs as: " + e.getMessage(),
          "");
    }
  }

  public static Result attach(long pid, String agentOptions) {
    if (pid == ProcessHandle.current().pid()) {
      throw new CliException(
          ExitCode.USAGE, "USAGE", "jlive cannot attach to itself", "give the pid of another JVM");
    }
    AttachPhases phases = new AttachPhases();
    LocalJvm jvm = Targets.requireJvm(pid);
    Optional<Discovery> existing = Targets.discover(jvm);
    if (existing.isPresent() && answers(existing.get(), pid)) {
      return new Result(pid, true, existing.get(), List.of(), phases.summary());
    }
    checkAttachAllowed(jvm);
    UserPrincipal owner = Targets.ownerOf(jvm);
    boolean anotherUsersJvm = !owner.equals(currentUser());
    String options = agentOptions == null ? "" : agentOptions;
    if (anotherUsersJvm && !options.contains("runtimeDir=")) {
      // Its agent writes where this CLI will read, whatever that user's own settings say.
      options =
          (options.isEmpty() ? "" : options + ",")
              + "runtimeDir="
              + checkedRuntimeDirOf(jvm, owner);
    }
    phases.mark("checks");
    // Checked against the bytes meant, right before the load.
    AgentJar.Written agentJar = AgentJar.agent(anotherUsersJvm);
    phases.mark("agent jar");
    load(
        jvm,
        agentJar.path(),
        jarOptions(agentJar) + (options.isEmpty() ? "" : "," + options),
        phases);
    Discovery discovery =
        Targets.discover(jvm).orElseThrow(() -> startFailure(jvm, agentJar.path()));
    phases.mark("discovery");
    List<String> notes = new ArrayList<>();
    if (jvm.featureVersion() >= 21 && !jvm.hasFlag("-XX:+EnableDynamicAgentLoading")) {
      notes.add(
          "Java "
              + jvm.featureVersion()
              + " printed a warning about a dynamically loaded agent on the application's stderr; "
              + "start it with -XX:+EnableDynamicAgentLoading, or load jlive at start-up (-javaagent: with the jar `jlive agent-jar --to PATH` writes), to avoid that");
    }
    return new Result(pid, false, discovery, notes, phases.summary());
  }

  /** The stamp, and the jar's path unless a comma in it would split the options. */
  private static String jarOptions(AgentJar.Written agentJar) {
    String path = agentJar.path().toAbsolutePath().toString();
    boolean name =
        !path.contains(",") && !"false".equals(System.getProperty(NAME_AGENT_JAR_PROPERTY));
    return (name ? AGENT_JAR_OPTION + path + "," : "") + AGENT_STAMP_OPTION + agentJar.stamp();
  }

  private static boolean answers(Discovery discovery, long pid) {
    try {
      new AgentClient(new Endpoint(discovery.host(), discovery.port(), discovery.token(), pid))
          .get(Api.INFO, Map.of());
      return true;
    } catch (CliException staleFile) {
      return false;
    }
  }

  static void checkAttachAllowed(LocalJvm jvm) {
    long pid = jvm.pid();
    if (jvm.hasFlag("-XX:+DisableAttachMechanism")) {
      throw new CliException(
          ExitCode.ATTACH_REFUSED,
          "ATTACH_DISABLED",
          "pid " + pid + " was started with -XX:+DisableAttachMechanism and refuses every attach",
          "restart it with -javaagent: and the jar `jlive agent-jar --to PATH` writes (or without -XX:+DisableAttachMechanism to attach later)");
    }
    if (jvm.featureVersion() >= 21 && jvm.hasFlag("-XX:-EnableDynamicAgentLoading")) {
      throw dynamicLoadingDisabled(pid);
    }
    String me = System.getProperty("user.name");
    if (!jvm.user().equals(me) && !me.equals("root") && !jvm.user().equals("?")) {
      throw new CliException(
          ExitCode.ATTACH_REFUSED,
          "OTHER_USER",
          "pid "
              + pid
              + " runs as user '"
              + jvm.user()
              + "' and jlive runs as '"
              + me
              + "'; a JVM accepts attach only from its own user",
          "run jlive as that user: sudo -u " + jvm.user() + " jlive attach " + pid);
    }
  }

  private static CliException dynamicLoadingDisabled(long pid) {
    return new CliException(
        ExitCode.ATTACH_REFUSED,
        "DYNAMIC_LOADING_DISABLED",
        "pid "
            + pid
            + " does not allow agents to be loaded while it runs (-XX:-EnableDynamicAgentLoading)",
        "restart it with -XX:+EnableDynamicAgentLoading, or load jlive at start-up: `jlive agent-jar --to PATH` writes the jar and prints the -javaagent option");
  }

  /**
   * {@code VirtualMachine.attach}, woken as soon as the target's attach listener is up instead of
   * after the JDK's next 100 ms step ({@link ListenerWatch}). Should the wake-up have reached the
   * JDK anywhere but its sleep and the attach failed, it attaches once more the JDK's own way, so
   * that any error is the JDK's as before. An attach socket left by an earlier process with the
   * same pid ({@link StaleSocket}) is removed and the attach made again.
   */
  static VirtualMachine attachWoken(long pid) throws AttachNotSupportedException, IOException {
    try {
      return attachWatched(pid);
    } catch (IOException e) {
      if (!StaleSocket.remove(pid)) {
        throw e;
      }
    }
    return attachWatched(pid);
  }

  private static VirtualMachine attachWatched(long pid)
      throws AttachNotSupportedException, IOException {
    String vmid = Long.toString(pid);
    try (ListenerWatch watch = ListenerWatch.start(pid)) {
      try {
        return VirtualMachine.attach(vmid);
      } catch (AttachNotSupportedException | IOException e) {
        if (!watch.woke()) {
          throw e;
        }
      }
    }
    return VirtualMachine.attach(vmid);
  }

  private static void load(LocalJvm jvm, Path agentJar, String options, AttachPhases phases) {
    long pid = jvm.pid();
    VirtualMachine vm;
    try {
      vm = attachWoken(pid);
      phases.mark("VirtualMachine.attach");
    } catch (AttachNotSupportedException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("respond") || message.contains("Unable to open socket file")) {
        throw new CliException(
            ExitCode.ATTACH_REFUSED,
            "ATTACH_NOT_ANSWERED",
            "pid " + pid + " did not answer the attach request: " + message,
            "the JVM may run with -XX:+DisableAttachMechanism, be suspended, or run in another container; "
                + "start it with -javaagent: instead (`jlive agent-jar --to PATH` writes the jar and prints the option)");
      }
      throw new CliException(
          ExitCode.ATTACH_REFUSED,
          "ATTACH_REFUSED",
          "cannot attach to pid " + pid + ": " + message,
          "attach works for HotSpot JVMs of the same user");
    } catch (IOException e) {
      Optional<Path> stale = StaleSocket.of(pid);
      if (stale.isPresent()) {
        throw new CliException(
            ExitCode.ATTACH_REFUSED,
            "STALE_ATTACH_SOCKET",
            "cannot attach to pid "
                + pid
                + ": "
                + stale.get()
                + " is older than the process, left by an earlier process with the same pid, and"
                + " jlive cannot remove it ("
                + e.getMessage()
                + ")",
            "remove " + stale.get() + " as its owner (or root), then attach again");
      }
      throw new CliException(
          ExitCode.ATTACH_REFUSED,
          "ATTACH_REFUSED",
          "cannot attach to pid " + pid + ": " + e.getMessage(),
          "check that the JVM runs as your user");
    }
    try {
      vm.loadAgent(agentJar.toString(), options);
      phases.mark("loadAgent (the agent's start)");
    } catch (AgentLoadException e) {
      if (String.valueOf(e.getMessage()).contains("EnableDynamicAgentLoading")) {
        throw dynamicLoadingDisabled(pid);
      }
      throw new CliException(
          ExitCode.ATTACH_REFUSED,
          "AGENT_LOAD_FAILED",
          "pid " + pid + " could not load the agent: " + e.getMessage(),
          "check that " + agentJar + " is readable by the JVM's user");
    } catch (AgentInitializationException e) {
      // A core that fails records why and returns, and so does a launcher since the failure
      // file; only an older launcher throws, and the JVM passes on none of its message.
      Optional<String> kept = KeptLauncher.otherThan(pid, agentJar);
      if (kept.isPresent()) {
        throw anotherBuildsLauncher(pid, kept.get(), null);
      }
      throw startFailure(jvm, agentJar);
    } catch (IOException e) {
      throw new CliException(
          ExitCode.ERROR,
          "ATTACH_FAILED",
          "attach to pid " + pid + " failed: " + e.getMessage(),
          "check with `jlive ps` that the JVM still runs, then attach again");
    } finally {
      try {
        vm.detach();
      } catch (IOException e) {
        // The attach connection is gone already; the agent runs on its own.
      }
    }
  }

  /**
   * {@code reason}: the kept launcher's own words, from its failure file; null for a launcher that
   * threw them on the JVM's stderr instead.
   */
  private static CliException anotherBuildsLauncher(long pid, String keptJar, String reason) {
    return new CliException(
        ExitCode.ATTACH_REFUSED,
        "ANOTHER_BUILD_ATTACHED_BEFORE",
        "the agent did not start in pid "
            + pid
            + ": that JVM keeps the agent launcher of the jlive jar first attached to it ("
            + keptJar
            + ") for good, even after a detach, and that launcher refused this build's jar. Launchers"
            + " of jlive builds that do not take the jar's path from the attach (older ones) start only"
            + " their own jar's agent; "
            + (reason == null
                ? "the JVM's stderr has the launcher's reason"
                : "it said: " + reason),
        "attach with the jlive CLI of the build that was attached first, or restart the JVM to"
            + " attach this build");
  }

  /**
   * The agent writes why it did not start to {@code <pid>.error}: show its first line, if its own
   * user wrote it, under the code its launcher gave on the second line (launchers since the failure
   * file; the core gives none).
   */
  private static CliException startFailure(LocalJvm jvm, Path agentJar) {
    UserPrincipal owner = Targets.ownerOf(jvm);
    List<Path> dirs = Targets.runtimeDirs(jvm.user(), owner);
    for (Path dir : dirs) {
      Path errorFile = dir.resolve(jvm.pid() + ".error");
      try {
        if (Files.exists(errorFile, LinkOption.NOFOLLOW_LINKS)) {
          FileTrust.checkDirectory(dir, owner);
          FileTrust.checkFile(errorFile, owner, false);
          String text = new String(FileTrust.readNoFollow(errorFile), StandardCharsets.UTF_8);
          List<String> lines = text.lines().limit(2).toList();
          String reason = lines.isEmpty() ? "unknown reason" : lines.get(0);
          String code =
              lines.size() > 1 && lines.get(1).startsWith(LAUNCHER_CODE_PREFIX)
                  ? lines.get(1).substring(LAUNCHER_CODE_PREFIX.length()).trim()
                  : "";
          return launcherRefusal(jvm.pid(), agentJar, code, reason, errorFile)
              .orElseGet(
                  () ->
                      new CliException(
                          ExitCode.ERROR,
                          "AGENT_START_FAILED",
                          "the agent did not start in pid " + jvm.pid() + ": " + reason,
                          "details in " + errorFile));
        }
      } catch (IOException e) {
        // Unreadable or not that user's: try the next directory.
      }
    }
    return new CliException(
        ExitCode.ERROR,
        "AGENT_START_FAILED",
        "the agent loaded into pid " + jvm.pid() + " but did not start",
        "see " + dirs.get(0).resolve(jvm.pid() + ".log"));
  }

  /**
   * The launcher's refusal of the jar as this CLI's error: the jar it opened is not the one this
   * CLI checked. Its own jar (none named) while the JVM has another jlive jar open: the launcher
   * kept from the first attach is another build's. Otherwise the jar changed after the check.
   */
  static Optional<CliException> launcherRefusal(
      long pid, Path agentJar, String code, String reason, Path errorFile) {
    if (!code.equals("AGENT_JAR_CHANGED") && !code.equals("AGENT_JAR_NOT_MEANT")) {
      return Optional.empty();
    }
    if (code.equals("AGENT_JAR_NOT_MEANT")) {
      Optional<String> kept = KeptLauncher.otherThan(pid, agentJar);
      if (kept.isPresent()) {
        return Optional.of(anotherBuildsLauncher(pid, kept.get(), reason));
      }
    }
    return Optional.of(
        new CliException(
            ExitCode.ERROR,
            "AGENT_JAR_CHANGED",
            "the agent did not start in pid " + pid + ": " + reason,
            "check who else can write "
                + agentJar.toAbsolutePath().getParent()
                + ", then attach again (details in "
                + errorFile
                + ")"));
  }
}

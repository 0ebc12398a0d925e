package dev.jlive.cli.command;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import dev.jlive.cli.CliException;
import dev.jlive.cli.attach.LocalJvm;
import dev.jlive.cli.client.Notes;
import dev.jlive.cli.client.Targets;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Discovery;
import dev.jlive.protocol.FileTrust;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import java.io.IOException;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "ps",
    description = "List local JVMs: pid, main class, Java version, whether jlive is loaded.")
public final class PsCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** One line of {@code jlive ps}. */
  private record Row(
      long pid,
      String mainClass,
      String javaVersion,
      String user,
      boolean jliveLoaded,
      String endpoint)
      implements JsonWritable {
    @Override
    public Map<String, Object> toJson() {
      return JsonObject.create()
          .put("pid", pid)
          .put("mainClass", mainClass)
          .put("javaVersion", javaVersion)
          .put("user", user)
          .put("jliveLoaded", jliveLoaded)
          .put("endpoint", endpoint)
          .toMap();
    }
  }

  /** A JVM the attach API lists, with what /proc says of it. */
  private record Listed(VirtualMachineDescriptor descriptor, LocalJvm jvm) {}

  @Override
  public Integer call() {
    long self = ProcessHandle.current().pid();
    List<Row> jvms = new ArrayList<>();
    List<Listed> listedJvms = new ArrayList<>();
    Map<String, UserPrincipal> owners = new HashMap<>();
    ownerOf(self).ifPresent(me -> owners.put(System.getProperty("user.name"), me));
    for (VirtualMachineDescriptor descriptor : VirtualMachine.list()) {
      long pid;
      try {
        pid = Long.parseLong(descriptor.id());
      } catch (NumberFormatException e) {
        continue;
      }
      Optional<LocalJvm> jvm = LocalJvm.of(pid);
      if (pid != self && jvm.isPresent()) {
        listedJvms.add(new Listed(descriptor, jvm.get()));
        ownerOf(pid).ifPresent(owner -> owners.putIfAbsent(jvm.get().user(), owner));
      }
    }
    // Files of JVMs that died without their shutdown hooks would otherwise stay for good: no listed
    // pid names them.
    Targets.removeStaleFiles(owners);
    for (Listed listed : listedJvms) {
      LocalJvm jvm = listed.jvm();
      Optional<Discovery> agent = agentOf(jvm);
      jvms.add(
          new Row(
              jvm.pid(),
              mainClass(listed.descriptor(), jvm),
              jvm.javaVersion(),
              jvm.user(),
              agent.isPresent(),
              agent.map(found -> found.host() + ":" + found.port()).orElse(null)));
    }
    jvms.sort(Comparator.comparingLong(Row::pid));
    Printer printer = Printer.of(spec.commandLine());
    if (printer.isJson()) {
      printer.json(JsonObject.create().put("jvms", jvms).toMap());
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (Row jvm : jvms) {
      rows.add(
          List.of(
              Long.toString(jvm.pid()),
              String.valueOf(jvm.javaVersion()),
              jvm.jliveLoaded() ? "yes" : "no",
              String.valueOf(jvm.user()),
              String.valueOf(jvm.mainClass())));
    }
    printer.table(List.of("PID", "JAVA", "JLIVE", "USER", "MAIN"), rows);
    return 0;
  }

  /** A JVM whose discovery file is refused counts as without jlive, with a note saying why. */
  private static Optional<Discovery> agentOf(LocalJvm jvm) {
    try {
      return Targets.discover(jvm);
    } catch (CliException e) {
      Notes.note(
          "jlive: pid "
              + jvm.pid()
              + ": "
              + e.getMessage()
              + (e.hint().isEmpty() ? "" : "; " + e.hint()));
      return Optional.empty();
    }
  }

  /** Empty for a process that ended meanwhile. */
  private static Optional<UserPrincipal> ownerOf(long pid) {
    try {
      return Optional.of(FileTrust.ownerOfProcess(pid));
    } catch (IOException goneMeanwhile) {
      return Optional.empty();
    }
  }

  /** The JDK's descriptor names the main class; /proc is the fallback when it is empty. */
  private static String mainClass(VirtualMachineDescriptor descriptor, LocalJvm jvm) {
    String display = descriptor.displayName();
    if (display == null || display.isBlank() || display.equals(descriptor.id())) {
      return jvm.mainClass();
    }
    int space = display.indexOf(' ');
    return space < 0 ? display : display.substring(0, space);
  }
}

package dev.jlive.cli.command;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import dev.jlive.cli.attach.LocalJvm;
import dev.jlive.cli.client.Targets;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Discovery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ps", description = "List local JVMs: pid, main class, Java version, whether jlive is loaded.")
public final class PsCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    long self = ProcessHandle.current().pid();
    List<Map<String, Object>> jvms = new ArrayList<>();
    for (VirtualMachineDescriptor descriptor : VirtualMachine.list()) {
      long pid;
      try {
        pid = Long.parseLong(descriptor.id());
      } catch (NumberFormatException e) {
        continue;
      }
      Optional<LocalJvm> jvm = LocalJvm.of(pid);
      if (pid == self || jvm.isEmpty()) {
        continue;
      }
      Optional<Discovery> agent = Targets.discover(pid, jvm.get().user());
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("pid", pid);
      entry.put("mainClass", mainClass(descriptor, jvm.get()));
      entry.put("javaVersion", jvm.get().javaVersion());
      entry.put("user", jvm.get().user());
      entry.put("jliveLoaded", agent.isPresent());
      entry.put("endpoint", agent.map(found -> found.host() + ":" + found.port()).orElse(null));
      jvms.add(entry);
    }
    jvms.sort(Comparator.comparingLong(entry -> (Long) entry.get("pid")));
    Printer printer = Printer.of(spec.commandLine());
    if (printer.isJson()) {
      printer.json(Map.of("jvms", jvms));
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (Map<String, Object> jvm : jvms) {
      rows.add(List.of(jvm.get("pid").toString(), jvm.get("javaVersion").toString(), (Boolean) jvm.get("jliveLoaded") ? "yes" : "no",
          jvm.get("user").toString(), jvm.get("mainClass").toString()));
    }
    printer.table(List.of("PID", "JAVA", "JLIVE", "USER", "MAIN"), rows);
    return 0;
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

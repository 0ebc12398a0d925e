package dev.jlive.cli.shell;

import dev.jlive.protocol.Api;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeList;
import dev.jlive.protocol.change.Ledger;
import dev.jlive.protocol.change.LedgerEntry;
import dev.jlive.protocol.inspect.ClassList;
import dev.jlive.protocol.inspect.ClassMethods;
import dev.jlive.protocol.inspect.LoadedClass;
import dev.jlive.protocol.inspect.MethodInfo;
import dev.jlive.protocol.inspect.MethodList;
import dev.jlive.protocol.probe.ProbeList;
import dev.jlive.protocol.probe.ProbeStatus;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What completion asks the target for: loaded class names (cached a while per package, since a JVM
 * loads thousands and a TAB must answer at once), the methods of a class, and the probe and change
 * ids (asked each time: they change with every command). Every question that fails answers nothing:
 * a completion must never break the line being typed.
 */
final class Lookups {
  private static final long CLASSES_FRESH_NANOS = 10_000_000_000L;
  private static final int CLASS_LIMIT = 20_000;

  private final ShellTarget target;
  private final Map<String, Cached> classesByPattern = new ConcurrentHashMap<>();

  private record Cached(List<String> names, long fetchedAt) {}

  /** {@code target}'s clients were made in the session, so lookups share its connection too. */
  Lookups(ShellTarget target) {
    this.target = target;
  }

  /** Loaded classes whose name starts with {@code prefix}; none on a service. */
  List<String> classes(String prefix) {
    if (target.agent() == null) {
      return List.of();
    }
    int dot = prefix.lastIndexOf('.');
    String pattern = dot < 0 ? "*..*" : prefix.substring(0, dot) + "..*";
    Cached cached = classesByPattern.get(pattern);
    if (cached == null || System.nanoTime() - cached.fetchedAt() > CLASSES_FRESH_NANOS) {
      List<String> names = ask(() -> fetchClasses(pattern));
      cached = new Cached(names, System.nanoTime());
      classesByPattern.put(pattern, cached);
    }
    return cached.names().stream().filter(name -> name.startsWith(prefix)).toList();
  }

  private List<String> fetchClasses(String pattern) {
    ClassList answer =
        target
            .agent()
            .get(
                Api.CLASSES,
                Map.of("pattern", pattern, "limit", Integer.toString(CLASS_LIMIT)),
                ClassList::fromWire);
    return answer.classes().stream().map(LoadedClass::name).distinct().toList();
  }

  /** The names of the methods of a loaded class (overloads once); none on a service. */
  List<String> methods(String className) {
    if (target.agent() == null) {
      return List.of();
    }
    return ask(
        () -> {
          MethodList answer =
              target.agent().get(Api.METHODS, Map.of("class", className), MethodList::fromWire);
          TreeSet<String> names = new TreeSet<>();
          for (ClassMethods type : answer.classes()) {
            type.methods().stream().map(MethodInfo::name).forEach(names::add);
          }
          return List.copyOf(names);
        });
  }

  /** The ids of the target's probes and changes (on a service, the controller's changes). */
  List<String> ids() {
    if (target.onService()) {
      return ask(
          () ->
              ChangeList.fromWire(
                      target.controller().get(FleetApi.changes(target.service()), Map.of()))
                  .changes()
                  .stream()
                  .map(Change::id)
                  .toList());
    }
    TreeSet<String> ids = new TreeSet<>();
    ids.addAll(
        ask(
            () ->
                ProbeList.fromWire(target.agent().get(Api.PROBES, Map.of())).probes().stream()
                    .map(ProbeStatus::id)
                    .toList()));
    ids.addAll(
        ask(
            () ->
                target.agent().get(Api.CHANGES, Map.of(), Ledger::fromWire).changes().stream()
                    .map(LedgerEntry::id)
                    .toList()));
    return List.copyOf(ids);
  }

  // A completion must never break the line being typed, whatever went wrong in asking.
  @SuppressWarnings("CatchingUnchecked")
  private List<String> ask(Supplier<List<String>> question) {
    try {
      return question.get();
    } catch (RuntimeException e) {
      return List.of();
    }
  }
}

package dev.jlive.agent.inspect;

import dev.jlive.protocol.Json;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.PlatformManagedObject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The virtual threads of this JVM and their stacks, on Java 21 and later.
 *
 * <p>{@code ThreadMXBean.dumpAllThreads} lists platform threads only. The one JDK API that lists
 * virtual threads is {@code HotSpotDiagnosticMXBean.dumpThreads(file, JSON)} (Java 21+, the same
 * dump as {@code jcmd Thread.dump_to_file}); it is called by reflection, since the agent's source
 * level is 17, and writes to a fresh file in a directory only this process's user can read, which
 * is parsed and deleted. It sees every virtual thread unless the JVM runs with {@code
 * -Djdk.trackAllThreads=false}; then it sees only those of structured thread containers, and {@link
 * #complete()} says so.
 */
public final class VirtualThreads {
  private static final int FIRST_RELEASE = 21;

  private VirtualThreads() {}

  /**
   * One virtual thread: its id, name (often empty), state (null where the JDK's dump has none) and
   * stack.
   */
  public record Snapshot(long id, String name, Thread.State state, List<StackTraceElement> stack) {}

  /** True on a JVM that can have virtual threads. */
  public static boolean exist() {
    return Runtime.version().feature() >= FIRST_RELEASE;
  }

  /** False when the JVM does not track every virtual thread, so a dump can miss some. */
  public static boolean complete() {
    String track = System.getProperty("jdk.trackAllThreads");
    return track == null || track.isEmpty() || Boolean.parseBoolean(track);
  }

  /**
   * @return every virtual thread the JVM tracks; empty before Java 21
   * @throws IOException when the dump cannot be made or read (for instance without {@code
   *     jdk.management})
   */
  public static List<Snapshot> dump() throws IOException {
    if (!exist()) {
      return List.of();
    }
    Path directory = privateDirectory();
    Path file = directory.resolve("threads.json");
    try {
      writeDump(file);
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(directory);
    }
  }

  private static Path privateDirectory() throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return Files.createTempDirectory(
          "jlive-threads",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    return Files.createTempDirectory("jlive-threads");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void writeDump(Path file) throws IOException {
    try {
      Class<? extends PlatformManagedObject> beanType =
          (Class<? extends PlatformManagedObject>)
              Class.forName("com.sun.management.HotSpotDiagnosticMXBean");
      Class<? extends Enum> format =
          (Class<? extends Enum>)
              Class.forName("com.sun.management.HotSpotDiagnosticMXBean$ThreadDumpFormat");
      Object bean = ManagementFactory.getPlatformMXBean(beanType);
      Method dumpThreads = beanType.getMethod("dumpThreads", String.class, format);
      dumpThreads.invoke(bean, file.toAbsolutePath().toString(), Enum.valueOf(format, "JSON"));
    } catch (InvocationTargetException e) {
      throw new IOException("the JVM's thread dump failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      throw new IOException(
          "this JVM offers no thread dump with virtual threads (module jdk.management): " + e, e);
    }
  }

  @SuppressWarnings("unchecked")
  static List<Snapshot> parse(String json) {
    List<Snapshot> threads = new ArrayList<>();
    Map<String, Object> dump = (Map<String, Object>) Json.parseObject(json).get("threadDump");
    for (Object container : (List<Object>) dump.get("threadContainers")) {
      for (Object entry : (List<Object>) ((Map<String, Object>) container).get("threads")) {
        Map<String, Object> thread = (Map<String, Object>) entry;
        if (!Boolean.TRUE.equals(thread.get("virtual"))) {
          continue;
        }
        List<StackTraceElement> stack = new ArrayList<>();
        for (Object frame : (List<Object>) thread.get("stack")) {
          stack.add(frame(frame.toString()));
        }
        Object state = thread.get("state");
        threads.add(
            new Snapshot(
                Long.parseLong(thread.get("tid").toString()),
                String.valueOf(thread.get("name")),
                state == null ? null : stateOf(state.toString()),
                List.copyOf(stack)));
      }
    }
    return threads;
  }

  private static Thread.State stateOf(String name) {
    try {
      return Thread.State.valueOf(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * A frame as {@code StackTraceElement.toString()} writes it: {@code
   * [loader/][module[@version]/]com.acme.Type.method(File.java:12)}, or with {@code (Native
   * Method)} or {@code (Unknown Source)}.
   */
  static StackTraceElement frame(String text) {
    int open = text.lastIndexOf('(');
    String qualified = open < 0 ? text : text.substring(0, open);
    String location =
        open < 0
            ? ""
            : text.substring(open + 1, text.endsWith(")") ? text.length() - 1 : text.length());
    int slash = qualified.lastIndexOf('/');
    if (slash >= 0 && qualified.startsWith("0x", slash + 1)) {
      // A hidden class keeps its '/' (Foo$$Lambda/0x0123.run): the prefix ends before it.
      slash = qualified.lastIndexOf('/', slash - 1);
    }
    String name = qualified.substring(slash + 1);
    int dot = name.lastIndexOf('.');
    String className = dot < 0 ? name : name.substring(0, dot);
    String methodName = dot < 0 ? "" : name.substring(dot + 1);
    if (location.equals("Native Method")) {
      return new StackTraceElement(className, methodName, null, -2);
    }
    int colon = location.lastIndexOf(':');
    if (colon > 0) {
      try {
        return new StackTraceElement(
            className,
            methodName,
            location.substring(0, colon),
            Integer.parseInt(location.substring(colon + 1)));
      } catch (NumberFormatException e) {
        return new StackTraceElement(className, methodName, location, -1);
      }
    }
    return new StackTraceElement(
        className,
        methodName,
        location.isEmpty() || location.equals("Unknown Source") ? null : location,
        -1);
  }
}

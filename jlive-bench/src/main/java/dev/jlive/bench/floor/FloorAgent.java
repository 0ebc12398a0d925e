package dev.jlive.bench.floor;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;

/**
 * The floor of a patch's cost: a second, minimal agent that does nothing but a bare {@link
 * Instrumentation#redefineClasses} of bytes it is sent. {@code PatchTime} copies this one class
 * into a small jar at run time (manifest: {@code Premain-Class}, {@code Can-Redefine-Classes}) and
 * starts the demo with it as a {@code -javaagent}.
 *
 * <p>Protocol, on a loopback port it prints as {@code jlive-bench floor-agent port=N} (standard
 * output, in {@code premain}, so before the application's own lines): the client writes the class
 * name ({@code writeUTF}), the length and the bytes of the class file; the agent redefines the
 * class and answers {@code writeLong(nanoseconds spent in redefineClasses)}, or {@code -1} and an
 * error message. The name {@value #COUNT_CLASSES} (with no bytes) asks for the number of loaded
 * classes instead. One request at a time, on one connection, for as long as the client keeps it.
 *
 * <p>Deliberately one class with no nested classes (lambdas are fine, they are made at run time),
 * so that the jar needs nothing else; no dependency outside the JDK.
 */
public final class FloorAgent {
  public static final String READY = "jlive-bench floor-agent port=";

  /**
   * Instead of a class name: answer the number of loaded classes (each redefinition walks them
   * all).
   */
  public static final String COUNT_CLASSES = "?loaded-classes";

  private static Instrumentation instrumentation;

  /** Classes found by name once: the lookup over all loaded classes is not part of the floor. */
  private static final Map<String, Class<?>> CLASSES = new HashMap<>();

  private FloorAgent() {}

  public static void premain(String args, Instrumentation inst) throws IOException {
    instrumentation = inst;
    ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
    Thread thread = new Thread(() -> serve(server), "jlive-bench-floor-agent");
    thread.setDaemon(true);
    thread.start();
    System.out.println(READY + server.getLocalPort());
    System.out.flush();
  }

  public static void agentmain(String args, Instrumentation inst) throws IOException {
    premain(args, inst);
  }

  private static void serve(ServerSocket server) {
    while (true) {
      try (Socket socket = server.accept()) {
        socket.setTcpNoDelay(true);
        DataInputStream in = new DataInputStream(socket.getInputStream());
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        while (true) {
          String name;
          try {
            name = in.readUTF();
          } catch (IOException closed) {
            break;
          }
          byte[] bytes = new byte[in.readInt()];
          in.readFully(bytes);
          if (name.equals(COUNT_CLASSES)) {
            out.writeLong(instrumentation.getAllLoadedClasses().length);
            out.flush();
            continue;
          }
          try {
            Class<?> type = find(name);
            long start = System.nanoTime();
            instrumentation.redefineClasses(new ClassDefinition(type, bytes));
            long spent = System.nanoTime() - start;
            out.writeLong(spent);
          } catch (Throwable e) {
            out.writeLong(-1);
            out.writeUTF(String.valueOf(e));
          }
          out.flush();
        }
      } catch (IOException e) {
        System.err.println("jlive-bench floor-agent: " + e);
      }
    }
  }

  private static Class<?> find(String name) throws ClassNotFoundException {
    Class<?> type = CLASSES.get(name);
    if (type == null) {
      for (Class<?> loaded : instrumentation.getAllLoadedClasses()) {
        if (loaded.getName().equals(name) && loaded.getClassLoader() != null) {
          type = loaded;
          break;
        }
      }
      if (type == null) {
        throw new ClassNotFoundException(name + " is not loaded");
      }
      CLASSES.put(name, type);
    }
    return type;
  }
}

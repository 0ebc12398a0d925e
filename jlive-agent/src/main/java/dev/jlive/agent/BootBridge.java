package dev.jlive.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Makes the bridge classes ({@code dev.jlive.bridge.JLiveBridge} and its {@code Dispatcher}) part
 * of the boot loader, once per JVM; a later attach finds them there and reuses them.
 *
 * <p>Why not {@code Instrumentation.appendToBootstrapClassLoaderSearch}: on a JVM with class data
 * sharing (the default) appending to the boot class path turns sharing off for application classes
 * and makes HotSpot print a warning on the application's stdout. So the classes are defined into
 * the boot loader directly, through the JDK's internal {@code Unsafe}, which the agent's {@code
 * Instrumentation} can open. Only where that is unavailable does the agent fall back to appending a
 * jar of them.
 */
final class BootBridge {
  static final String BRIDGE_CLASS = "dev.jlive.bridge.JLiveBridge";

  /** Outer class first: defining the nested one resolves it. */
  static final List<String> CLASSES = List.of(BRIDGE_CLASS, BRIDGE_CLASS + "$Dispatcher");

  private BootBridge() {}

  static void ensureInstalled(Instrumentation instrumentation, Path agentJar, Path runtimeDir)
      throws IOException {
    if (isInstalled()) {
      return;
    }
    Map<String, byte[]> classes = readBridgeClasses(agentJar);
    try {
      defineInBootLoader(instrumentation, classes);
    } catch (ReflectiveOperationException | RuntimeException e) {
      appendToBootClassPath(instrumentation, classes, runtimeDir);
    }
    if (!isInstalled()) {
      throw new IllegalStateException(
          "the bridge class " + BRIDGE_CLASS + " is still missing from the boot loader");
    }
  }

  /**
   * Exports {@code jdk.internal.misc} to the agent alone (not to the application) and defines the
   * class with a null loader, which is the boot loader. {@code sun.misc.Unsafe} is avoided: its use
   * makes Java 24+ print deprecation warnings on the application's stderr.
   */
  private static void defineInBootLoader(
      Instrumentation instrumentation, Map<String, byte[]> classes)
      throws ReflectiveOperationException {
    Module javaBase = Object.class.getModule();
    Module agent = BootBridge.class.getModule();
    instrumentation.redefineModule(
        javaBase,
        Set.of(),
        Map.of("jdk.internal.misc", Set.of(agent)),
        Map.of(),
        Set.of(),
        Map.of());
    Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
    Object unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
    Method defineClass =
        unsafeClass.getMethod(
            "defineClass",
            String.class,
            byte[].class,
            int.class,
            int.class,
            ClassLoader.class,
            ProtectionDomain.class);
    for (String name : CLASSES) {
      byte[] bytes = classes.get(name);
      defineClass.invoke(unsafe, name, bytes, 0, bytes.length, null, null);
    }
  }

  private static Map<String, byte[]> readBridgeClasses(Path agentJar) throws IOException {
    // Looked up by name: the definition order is CLASSES's.
    Map<String, byte[]> classes = new HashMap<>();
    try (JarFile jar = new JarFile(agentJar.toFile())) {
      for (String name : CLASSES) {
        String entryName = "jlive-boot/" + name.replace('.', '/') + ".classdata";
        JarEntry entry = jar.getJarEntry(entryName);
        if (entry == null) {
          throw new IOException(
              agentJar + " has no " + entryName + "; it is not a complete jlive agent jar");
        }
        try (InputStream in = jar.getInputStream(entry)) {
          classes.put(name, in.readAllBytes());
        }
      }
    }
    return classes;
  }

  private static void appendToBootClassPath(
      Instrumentation instrumentation, Map<String, byte[]> classes, Path runtimeDir)
      throws IOException {
    Path jarFile = runtimeDir.resolve("jlive-bridge-" + ProcessHandle.current().pid() + ".jar");
    Path temp = Files.createTempFile(runtimeDir, "bridge", ".tmp");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(temp))) {
      for (Map.Entry<String, byte[]> type : classes.entrySet()) {
        out.putNextEntry(new JarEntry(type.getKey().replace('.', '/') + ".class"));
        out.write(type.getValue());
        out.closeEntry();
      }
    }
    Files.move(temp, jarFile, StandardCopyOption.REPLACE_EXISTING);
    instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jarFile.toFile()));
  }

  private static boolean isInstalled() {
    try {
      Class.forName(BRIDGE_CLASS, false, null);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}

package dev.jlive.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import net.bytebuddy.dynamic.loading.ClassInjector;

/**
 * Makes the bridge class ({@code dev.jlive.bridge.JLiveBridge}) part of the boot loader, once
 * per JVM; a later attach finds it there and reuses it.
 *
 * <p>Why not {@code Instrumentation.appendToBootstrapClassLoaderSearch}: on a JVM with class data
 * sharing (the default) appending to the boot class path turns sharing off for application
 * classes and makes HotSpot print a warning on the application's stdout. So the class is defined
 * into the boot loader directly, through the JDK's internal {@code Unsafe} that Byte Buddy opens
 * with the agent's {@code Instrumentation}. Only where that is unavailable does the agent fall
 * back to appending a one-class jar.
 */
final class BootBridge {
  static final String BRIDGE_CLASS = "dev.jlive.bridge.JLiveBridge";
  static final String ENTRY = "jlive-boot/" + BRIDGE_CLASS.replace('.', '/') + ".classdata";

  private BootBridge() {}

  static void ensureInstalled(Instrumentation instrumentation, Path agentJar, Path runtimeDir) throws IOException {
    if (isInstalled()) {
      return;
    }
    byte[] bytes = readBridgeClass(agentJar);
    ClassInjector.UsingUnsafe.Factory unsafe = ClassInjector.UsingUnsafe.Factory.resolve(instrumentation);
    if (unsafe.isAvailable()) {
      unsafe.make(null, null).injectRaw(Map.of(BRIDGE_CLASS, bytes));
    } else {
      appendToBootClassPath(instrumentation, bytes, runtimeDir);
    }
    if (!isInstalled()) {
      throw new IllegalStateException("the bridge class " + BRIDGE_CLASS + " is still missing from the boot loader");
    }
  }

  private static byte[] readBridgeClass(Path agentJar) throws IOException {
    try (JarFile jar = new JarFile(agentJar.toFile())) {
      JarEntry entry = jar.getJarEntry(ENTRY);
      if (entry == null) {
        throw new IOException(agentJar + " has no " + ENTRY + "; it is not a complete jlive agent jar");
      }
      try (InputStream in = jar.getInputStream(entry)) {
        return in.readAllBytes();
      }
    }
  }

  private static void appendToBootClassPath(Instrumentation instrumentation, byte[] bytes, Path runtimeDir) throws IOException {
    Path jarFile = runtimeDir.resolve("jlive-bridge-" + ProcessHandle.current().pid() + ".jar");
    Path temp = Files.createTempFile(runtimeDir, "bridge", ".tmp");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(temp))) {
      out.putNextEntry(new JarEntry(BRIDGE_CLASS.replace('.', '/') + ".class"));
      out.write(bytes);
      out.closeEntry();
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

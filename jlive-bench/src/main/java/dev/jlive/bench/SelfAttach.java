package dev.jlive.bench;

import com.sun.tools.attach.VirtualMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Loads a class of the bench as an agent into the bench's own JVM (which must run with {@code
 * -Djdk.attach.allowAttachSelf=true}), for benchmarks that need {@code Instrumentation} without
 * jlive: its {@code agentmain} is called before this returns.
 */
public final class SelfAttach {
  private SelfAttach() {}

  /**
   * @param agent the class with {@code agentmain}, on the class path
   * @param capability the manifest's permission, e.g. {@code Can-Retransform-Classes}
   */
  public static void load(Class<?> agent, String capability) throws Exception {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(new Attributes.Name("Agent-Class"), agent.getName());
    manifest.getMainAttributes().put(new Attributes.Name(capability), "true");
    Path jar = Files.createTempFile(agent.getSimpleName(), ".jar");
    jar.toFile().deleteOnExit();
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      // The agent class comes from the class path; the jar only names it.
    }
    VirtualMachine self = VirtualMachine.attach(Long.toString(ProcessHandle.current().pid()));
    try {
      self.loadAgent(jar.toString());
    } finally {
      self.detach();
    }
  }
}

package dev.jlive.it.support;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A second agent for a target JVM, beside jlive: a jar of nothing but a manifest naming a test
 * app's {@code premain}, whose class the JVM finds on the class path.
 */
public final class ManifestAgent {
  private ManifestAgent() {}

  public static Path jar(Path jar, Class<?> premainClass) throws Exception {
    Manifest manifest = new Manifest();
    Attributes attributes = manifest.getMainAttributes();
    attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    attributes.putValue("Premain-Class", premainClass.getName());
    attributes.putValue("Can-Redefine-Classes", "true");
    attributes.putValue("Can-Retransform-Classes", "true");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
      // The manifest is all it needs.
    }
    return jar;
  }
}

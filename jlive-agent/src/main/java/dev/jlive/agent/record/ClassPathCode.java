package dev.jlive.agent.record;

import dev.jlive.agent.purity.LoadedCode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The code of a replay's build, for the side-effect check in a fresh JVM: classes from the replay's
 * class loader (loading them is harmless here, unlike in a service), bytes from their class files.
 * It knows no subtypes that were never loaded, which is what a fresh JVM has loaded.
 */
final class ClassPathCode implements LoadedCode {
  private final ClassLoader loader;

  ClassPathCode(ClassLoader loader) {
    this.loader = loader;
  }

  @Override
  public Class<?> find(String internalName, ClassLoader context) {
    try {
      return Class.forName(
          internalName.replace('/', '.'), false, context == null ? loader : context);
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  @Override
  public byte[] runningBytes(Class<?> type) {
    try (InputStream in =
        type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public List<Class<?>> subtypes(Class<?> type) {
    return List.of();
  }
}

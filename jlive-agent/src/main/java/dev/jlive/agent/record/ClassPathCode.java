package dev.jlive.agent.record;

import dev.jlive.agent.purity.LoadedCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.objectweb.asm.ClassReader;

/**
 * The code of a replay's build, for the side-effect check in a fresh JVM: classes from the replay's
 * class loader (loading them is harmless here, unlike in a service), bytes from their class files.
 * A fresh JVM has loaded hardly any subtypes, so the subtypes of a class are read from the class
 * path itself (every class file's superclass and interfaces, indexed once): the build is the whole
 * world of a replay, and an override the check did not know of would run unchecked.
 */
final class ClassPathCode implements LoadedCode {
  private final ClassLoader loader;
  private final List<Path> entries;

  /** Internal name of a class or interface to the classes on the class path that extend it. */
  private Map<String, List<String>> extenders;

  /**
   * @param entries the class path the loader reads (directories and jars), scanned for subtypes
   */
  ClassPathCode(ClassLoader loader, List<Path> entries) {
    this.loader = loader;
    this.entries = List.copyOf(entries);
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
    List<Class<?>> found = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Deque<String> next = new ArrayDeque<>();
    next.add(type.getName().replace('.', '/'));
    while (!next.isEmpty()) {
      for (String extender : extenders().getOrDefault(next.pop(), List.of())) {
        if (seen.add(extender)) {
          next.add(extender);
          Class<?> loaded = find(extender, null);
          if (loaded != null) {
            found.add(loaded);
          }
        }
      }
    }
    return found;
  }

  private Map<String, List<String>> extenders() {
    if (extenders == null) {
      extenders = new HashMap<>();
      for (Path entry : entries) {
        try {
          if (Files.isDirectory(entry)) {
            try (Stream<Path> files = Files.walk(entry)) {
              for (Path file : (Iterable<Path>) files::iterator) {
                if (file.toString().endsWith(".class")) {
                  index(Files.readAllBytes(file));
                }
              }
            }
          } else if (Files.isRegularFile(entry)) {
            try (ZipFile jar = new ZipFile(entry.toFile())) {
              Enumeration<? extends ZipEntry> each = jar.entries();
              while (each.hasMoreElements()) {
                ZipEntry file = each.nextElement();
                if (file.getName().endsWith(".class")) {
                  try (InputStream in = jar.getInputStream(file)) {
                    index(in.readAllBytes());
                  }
                }
              }
            }
          }
        } catch (IOException unreadable) {
          // The replay's loader cannot read it either: nothing of it runs.
        }
      }
    }
    return extenders;
  }

  private void index(byte[] classFile) {
    ClassReader reader;
    try {
      reader = new ClassReader(classFile);
    } catch (RuntimeException malformed) {
      return; // The JVM would refuse to define it: nothing of it runs.
    }
    String name = reader.getClassName();
    if (reader.getSuperName() != null) {
      extenders.computeIfAbsent(reader.getSuperName(), key -> new ArrayList<>()).add(name);
    }
    for (String implemented : reader.getInterfaces()) {
      extenders.computeIfAbsent(implemented, key -> new ArrayList<>()).add(name);
    }
  }
}

package dev.jlive.agent.compile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.JavaFileObject.Kind;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;

/**
 * javac's view of the world during one compile: the JDK from the running runtime (the standard file
 * manager's system modules), the class path from a class loader, output into memory.
 *
 * <p>The standard manager's own class path, source path and processor path are emptied first, so
 * nothing of the process class path the agent or javac were loaded from can leak in.
 */
final class LoaderFileManager extends ForwardingJavaFileManager<StandardJavaFileManager> {
  private final ClassLoader loader;
  private final LoaderClassPath classPath;
  private final Map<String, byte[]> output;
  private final ClassFileView view;

  LoaderFileManager(
      StandardJavaFileManager standard,
      ClassLoader loader,
      Map<String, byte[]> output,
      ClassFileView view)
      throws IOException {
    super(standard);
    standard.setLocation(StandardLocation.CLASS_PATH, List.of());
    // An empty source path keeps javac from looking for sources on the class path.
    standard.setLocation(StandardLocation.SOURCE_PATH, List.of());
    standard.setLocation(StandardLocation.ANNOTATION_PROCESSOR_PATH, List.of());
    this.loader = loader;
    // The boot loader (a JDK class being patched) sees no class path at all.
    this.classPath = loader == null ? null : LoaderClassPath.of(loader);
    this.output = output;
    this.view = view;
  }

  /** Class-path roots that could not be read. */
  List<String> skippedRoots() {
    return classPath == null ? List.of() : classPath.skipped();
  }

  /**
   * Leaves the standard manager open: it is shared across compiles ({@link JdkFileManagers}), and
   * whoever took it gives it back or closes it.
   */
  @Override
  public void close() {}

  @Override
  public boolean hasLocation(Location location) {
    return location == StandardLocation.CLASS_PATH || super.hasLocation(location);
  }

  @Override
  public Iterable<JavaFileObject> list(
      Location location, String packageName, Set<Kind> kinds, boolean recurse) throws IOException {
    if (location != StandardLocation.CLASS_PATH) {
      return super.list(location, packageName, kinds, recurse);
    }
    if (classPath == null || !kinds.contains(Kind.CLASS)) {
      return List.of();
    }
    List<ClassRoot.Entry> entries = classPath.classFiles(packageName, recurse);
    List<JavaFileObject> files = new ArrayList<>(entries.size());
    for (ClassRoot.Entry entry : entries) {
      String simple =
          entry.fileName().substring(0, entry.fileName().length() - Kind.CLASS.extension.length());
      String binaryName =
          entry.packageName().isEmpty() ? simple : entry.packageName() + '.' + simple;
      files.add(new LoaderClassFile(binaryName, entry.origin(), loader, view));
    }
    return files;
  }

  @Override
  public String inferBinaryName(Location location, JavaFileObject file) {
    if (file instanceof LoaderClassFile) {
      return ((LoaderClassFile) file).binaryName();
    }
    if (file instanceof MemorySource) {
      return ((MemorySource) file).source().className();
    }
    if (file instanceof MemoryClassFile) {
      return ((MemoryClassFile) file).binaryName();
    }
    return super.inferBinaryName(location, file);
  }

  /**
   * The standard manager rejects file objects it did not make; ours are the same only if identical.
   */
  @Override
  public boolean isSameFile(FileObject a, FileObject b) {
    if (isOurs(a) || isOurs(b)) {
      return a == b;
    }
    return super.isSameFile(a, b);
  }

  @Override
  public boolean contains(Location location, FileObject file) throws IOException {
    if (isOurs(file)) {
      return location == StandardLocation.CLASS_PATH && file instanceof LoaderClassFile;
    }
    return super.contains(location, file);
  }

  @Override
  public JavaFileObject getJavaFileForInput(Location location, String className, Kind kind)
      throws IOException {
    if (location != StandardLocation.CLASS_PATH) {
      return super.getJavaFileForInput(location, className, kind);
    }
    if (loader == null
        || kind != Kind.CLASS
        || loader.getResource(LoaderClassFile.resourceName(className)) == null) {
      return null;
    }
    return new LoaderClassFile(className, "class loader " + loader, loader, view);
  }

  @Override
  public JavaFileObject getJavaFileForOutput(
      Location location, String className, Kind kind, FileObject sibling) throws IOException {
    if (location == StandardLocation.CLASS_OUTPUT && kind == Kind.CLASS) {
      return new MemoryClassFile(className, output);
    }
    // Nothing else is ever produced (annotation processing is off): never touch the disk.
    throw new IOException(
        "an in-target compile writes class files only, not " + kind + " to " + location);
  }

  @Override
  public FileObject getFileForOutput(
      Location location, String packageName, String relativeName, FileObject sibling)
      throws IOException {
    throw new IOException(
        "an in-target compile writes class files only, not " + relativeName + " to " + location);
  }

  private static boolean isOurs(FileObject file) {
    return file instanceof LoaderClassFile
        || file instanceof MemorySource
        || file instanceof MemoryClassFile;
  }
}

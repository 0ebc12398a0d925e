package dev.jlive.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.List;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** One class compiled from a string in memory (with debug information) and defined on its own. */
public final class ClassFixtures {
  private ClassFixtures() {}

  /**
   * @param className binary name, e.g. {@code fx.Calc}; the source declares exactly that class
   * @return its class file
   */
  public static byte[] compile(String className, String source) throws Exception {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    URI sourceUri = URI.create("string:///" + className.replace('.', '/') + ".java");
    JavaFileObject input =
        new SimpleJavaFileObject(sourceUri, JavaFileObject.Kind.SOURCE) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return source;
          }
        };
    StandardJavaFileManager standard = javac.getStandardFileManager(null, null, null);
    ForwardingJavaFileManager<StandardJavaFileManager> manager =
        new ForwardingJavaFileManager<>(standard) {
          @Override
          public JavaFileObject getJavaFileForOutput(
              Location location, String name, JavaFileObject.Kind kind, FileObject sibling) {
            return new SimpleJavaFileObject(URI.create("mem:///" + name + ".class"), kind) {
              @Override
              public OutputStream openOutputStream() {
                return out;
              }
            };
          }
        };
    boolean compiled =
        javac.getTask(null, manager, null, List.of("-g"), null, List.of(input)).call();
    assertThat(compiled).isTrue();
    return out.toByteArray();
  }

  /** Defines the class in a fresh loader whose parent is the tests' loader. */
  public static Class<?> define(String className, byte[] bytes) throws ClassNotFoundException {
    ClassLoader loader =
        new ClassLoader(ClassFixtures.class.getClassLoader()) {
          @Override
          protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (name.equals(className)) {
              return defineClass(name, bytes, 0, bytes.length);
            }
            throw new ClassNotFoundException(name);
          }
        };
    return loader.loadClass(className);
  }
}

package dev.jlive.agent.compile;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.Map;
import javax.tools.SimpleJavaFileObject;

/** A class file javac writes into memory, keyed by binary name once the stream is closed. */
final class MemoryClassFile extends SimpleJavaFileObject {
  private final String binaryName;
  private final Map<String, byte[]> output;

  MemoryClassFile(String binaryName, Map<String, byte[]> output) {
    super(MemorySource.uri("jlive-output", binaryName.replace('.', '/') + ".class"), Kind.CLASS);
    this.binaryName = binaryName;
    this.output = output;
  }

  String binaryName() {
    return binaryName;
  }

  @Override
  public OutputStream openOutputStream() {
    return new ByteArrayOutputStream() {
      @Override
      public void close() {
        output.put(binaryName, toByteArray());
      }
    };
  }
}

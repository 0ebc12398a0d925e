package dev.jlive.bench.floor;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** The bench's side of {@link FloorAgent}: builds its jar, and asks it to redefine a class. */
public final class FloorClient implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  private FloorClient(Socket socket) throws IOException {
    this.socket = socket;
    socket.setTcpNoDelay(true);
    this.in = new DataInputStream(socket.getInputStream());
    this.out = new DataOutputStream(socket.getOutputStream());
  }

  public static FloorClient connect(int port) throws IOException {
    return new FloorClient(new Socket(InetAddress.getLoopbackAddress(), port));
  }

  /**
   * Writes a jar that holds only {@link FloorAgent}, with a manifest that makes it a {@code
   * -javaagent} allowed to redefine classes.
   */
  public static Path writeJar(Path jar) throws IOException {
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    main.putValue("Premain-Class", FloorAgent.class.getName());
    main.putValue("Agent-Class", FloorAgent.class.getName());
    main.putValue("Can-Redefine-Classes", "true");
    String entry = FloorAgent.class.getName().replace('.', '/') + ".class";
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest);
        InputStream classFile = FloorAgent.class.getClassLoader().getResourceAsStream(entry)) {
      if (classFile == null) {
        throw new IOException(entry + " is not in the bench's class path");
      }
      out.putNextEntry(new JarEntry(entry));
      classFile.transferTo(out);
      out.closeEntry();
    }
    return jar;
  }

  /**
   * Redefines the loaded class {@code name} (any loader but the boot loader) with {@code bytes}.
   *
   * @return the nanoseconds the agent spent inside {@code redefineClasses}
   */
  public long redefine(String name, byte[] bytes) throws IOException {
    out.writeUTF(name);
    out.writeInt(bytes.length);
    out.write(bytes);
    out.flush();
    long nanos = in.readLong();
    if (nanos < 0) {
      throw new IOException("the floor agent could not redefine " + name + ": " + in.readUTF());
    }
    return nanos;
  }

  /** How many classes the JVM has loaded now. */
  public long loadedClasses() throws IOException {
    out.writeUTF(FloorAgent.COUNT_CLASSES);
    out.writeInt(0);
    out.flush();
    return in.readLong();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

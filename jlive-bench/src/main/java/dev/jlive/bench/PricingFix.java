package dev.jlive.bench;

import dev.jlive.protocol.patch.PatchRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The one-method patch the patch benchmarks apply: bug 1 of {@code jlive-demo/BUGS.md} fixed in
 * {@code dev.jlive.demo.shop.Pricing#discountedPrice} ({@code quantity > BULK_QUANTITY} becomes
 * {@code >=}), as a source file, and as the class file javac makes of it here, in the bench's JVM,
 * against the demo jar and for the class file version of the demo's own {@code Pricing}. The
 * original class file (read from the demo jar) is what a bare redefinition puts back.
 */
record PricingFix(String fileName, String fixedSource, byte[] fixedClass, byte[] originalClass) {
  static final String CLASS_NAME = "dev.jlive.demo.shop.Pricing";
  static final String METHOD = CLASS_NAME + "#discountedPrice";
  static final String SOURCE_PATH = "jlive-demo/src/main/java/dev/jlive/demo/shop/Pricing.java";
  private static final String BUG = "quantity > BULK_QUANTITY";
  private static final String FIX = "quantity >= BULK_QUANTITY";

  /**
   * @param source the demo's {@code Pricing.java} as it is (with the bug)
   * @param demoJar the demo jar the class files are compiled against and the original read from
   */
  static PricingFix prepare(Path source, Path demoJar, Path work) throws IOException {
    String code = Files.readString(source);
    int at = code.indexOf(BUG);
    if (at < 0 || code.indexOf(BUG, at + 1) >= 0) {
      throw new IOException(
          source + " should contain '" + BUG + "' exactly once (bug 1 of jlive-demo/BUGS.md)");
    }
    String fixed = code.substring(0, at) + FIX + code.substring(at + BUG.length());
    byte[] original = originalClass(demoJar);
    int release = majorVersion(original) - 44;
    return new PricingFix("Pricing.java", fixed, compile(fixed, demoJar, release, work), original);
  }

  /** The body of {@code POST /v1/patches} for this fix. */
  PatchRequest patchRequest(boolean fromSource, String safepoint, boolean dryRun) {
    PatchRequest.Builder request =
        fromSource
            ? PatchRequest.ofSources(List.of(new PatchRequest.Source(fileName, fixedSource)))
            : PatchRequest.ofClassFiles(List.of(fixedClass));
    return request.safepoint(safepoint).dryRun(dryRun).build();
  }

  private static byte[] originalClass(Path demoJar) throws IOException {
    String entryName = CLASS_NAME.replace('.', '/') + ".class";
    try (JarFile jar = new JarFile(demoJar.toFile())) {
      ZipEntry entry = jar.getEntry(entryName);
      if (entry == null) {
        throw new IOException(demoJar + " has no " + entryName);
      }
      try (InputStream in = jar.getInputStream(entry)) {
        return in.readAllBytes();
      }
    }
  }

  private static int majorVersion(byte[] classFile) {
    return ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
  }

  private static byte[] compile(String code, Path demoJar, int release, Path work)
      throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IOException(
          "this JVM has no Java compiler (javax.tools); run the bench with a JDK");
    }
    Path sources = Files.createDirectories(work.resolve("fix-src/dev/jlive/demo/shop"));
    Path classes = Files.createDirectories(work.resolve("fix-classes"));
    Path file = Files.writeString(sources.resolve("Pricing.java"), code);
    StringWriter messages = new StringWriter();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int exit =
        javac.run(
            null,
            null,
            errors,
            "--release",
            String.valueOf(release),
            "-g",
            "-proc:none",
            "-classpath",
            demoJar.toString(),
            "-d",
            classes.toString(),
            file.toString());
    messages.write(errors.toString(StandardCharsets.UTF_8));
    if (exit != 0) {
      throw new IOException("javac could not compile the fixed Pricing.java: " + messages);
    }
    return Files.readAllBytes(classes.resolve(CLASS_NAME.replace('.', '/') + ".class"));
  }
}

package dev.jlive.agent.compile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticListener;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;

/**
 * Keeps javac's standard file manager from one compile to the next, so that a later compile does
 * not open and index the runtime image's modules again (javac's {@link JavaCompiler} documentation
 * recommends reusing a file manager across calls for this reason).
 *
 * <p>Safe to keep: in an in-target compile the standard manager only serves the running runtime's
 * system modules, which cannot change while the JVM runs; the class path, which can, comes from
 * {@link LoaderFileManager} and is listed afresh by every compile. One manager is kept: a compile
 * takes it, or makes a new one if another compile has it, and gives it back when done; a second one
 * given back, or one from a compile that failed, is closed.
 */
final class JdkFileManagers {
  private static final AtomicReference<Lease> IDLE = new AtomicReference<>();

  private JdkFileManagers() {}

  /** A standard file manager for one compile, its diagnostics going to {@code listener}. */
  static Lease take(JavaCompiler javac, DiagnosticListener<? super JavaFileObject> listener) {
    Lease lease = IDLE.getAndSet(null);
    if (lease == null || lease.javac != javac) {
      closeQuietly(lease);
      lease = new Lease(javac);
    }
    lease.listener = listener;
    return lease;
  }

  /** Keeps {@code lease} for the next compile, unless one is kept already. */
  static void giveBack(Lease lease) {
    lease.listener = null;
    if (!IDLE.compareAndSet(null, lease)) {
      closeQuietly(lease);
    }
  }

  static void closeQuietly(Lease lease) {
    if (lease == null) {
      return;
    }
    try {
      lease.manager.close();
    } catch (IOException e) {
      // Nothing is written through it: closing only releases open archives.
    }
  }

  /** One standard file manager and where its diagnostics go while a compile holds it. */
  static final class Lease implements DiagnosticListener<JavaFileObject> {
    private final JavaCompiler javac;
    final StandardJavaFileManager manager;
    private volatile DiagnosticListener<? super JavaFileObject> listener;

    private Lease(JavaCompiler javac) {
      this.javac = javac;
      // Its own listener forwards to the current compile's: without one, javac would print the
      // manager's diagnostics to the application's stderr.
      this.manager = javac.getStandardFileManager(this, Locale.ENGLISH, StandardCharsets.UTF_8);
    }

    @Override
    public void report(Diagnostic<? extends JavaFileObject> diagnostic) {
      DiagnosticListener<? super JavaFileObject> current = listener;
      if (current != null) {
        current.report(diagnostic);
      }
    }
  }
}

package dev.jlive.cli.demo;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Lets commands that print to a stream write into the tour's writer, line by line. */
final class WriterOutputStream extends OutputStream {
  private final PrintWriter target;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  WriterOutputStream(PrintWriter target) {
    this.target = target;
  }

  @Override
  public void write(int b) {
    pending.write(b);
    if (b == '\n') {
      flush();
    }
  }

  @Override
  public void flush() {
    if (pending.size() > 0) {
      target.print(pending.toString(StandardCharsets.UTF_8));
      target.flush();
      pending.reset();
    }
  }
}

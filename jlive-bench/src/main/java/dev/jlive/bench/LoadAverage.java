package dev.jlive.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The machine's 1-minute load average, sampled during a run: the tables say how busy it was. */
public final class LoadAverage {
  private static final Path PROC = Path.of("/proc/loadavg");
  private final List<Double> samples = new ArrayList<>();

  /** The 1-minute load average now, or NaN where {@code /proc/loadavg} does not exist. */
  public static double now() {
    try {
      return Double.parseDouble(Files.readString(PROC).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  public synchronized double sample() {
    double value = now();
    if (!Double.isNaN(value)) {
      samples.add(value);
    }
    return value;
  }

  public synchronized String range() {
    if (samples.isEmpty()) {
      return "unknown";
    }
    double min = samples.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double max = samples.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    return String.format(Locale.ROOT, "%.2f to %.2f (%d samples)", min, max, samples.size());
  }
}

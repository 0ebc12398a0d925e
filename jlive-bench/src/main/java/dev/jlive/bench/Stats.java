package dev.jlive.bench;

import java.util.Arrays;
import java.util.List;

/** Order statistics of a handful of timings. */
record Stats(int count, double median, double min, double max, double first) {
  static Stats of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return new Stats(n, median, sorted[0], sorted[n - 1], values.get(0));
  }
}

package dev.jlive.protocol.metrics;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.LatencyBuckets;
import dev.jlive.protocol.StrictObject;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A latency histogram as a probe's metrics carry it ({@code "latency"}): the buckets of {@link
 * LatencyBuckets}, which histograms of many processes add up in ({@link #plus}), and the numbers
 * read from them. A timing may stand for several calls (a metrics probe times a sample), so {@code
 * count} is the calls the histogram stands for and {@code timedCalls} the timings it rests on; the
 * mean is {@code sumNanos / count}, since the sum is weighted the same way.
 *
 * @param buckets non-empty buckets by index; null when left out (a per-process row or a merged view
 *     at the controller, where only the numbers are shown)
 */
public record LatencySnapshot(
    long count,
    long timedCalls,
    double meanMillis,
    double p50Millis,
    double p90Millis,
    double p99Millis,
    double p999Millis,
    double maxMillis,
    long sumNanos,
    long maxNanos,
    Map<Integer, Long> buckets)
    implements JsonWritable {

  public static final Set<String> FIELDS =
      Set.of(
          "count",
          "timedCalls",
          "meanMillis",
          "p50Millis",
          "p90Millis",
          "p99Millis",
          "p999Millis",
          "maxMillis",
          "sumNanos",
          "maxNanos",
          "buckets");
  private static final String WHAT = "the latency histogram";

  public LatencySnapshot {
    if (buckets != null) {
      for (Map.Entry<Integer, Long> bucket : buckets.entrySet()) {
        if (bucket.getKey() < 0 || bucket.getKey() >= LatencyBuckets.COUNT) {
          throw new JLiveException(
              ErrorCode.BAD_REQUEST,
              WHAT
                  + ": bucket "
                  + bucket.getKey()
                  + " is out of range (0 to "
                  + (LatencyBuckets.COUNT - 1)
                  + ")",
              "send the buckets of jlive's LatencyBuckets, as an agent reports them");
        }
        if (bucket.getValue() < 1) {
          throw new JLiveException(
              ErrorCode.BAD_REQUEST,
              WHAT
                  + ": bucket "
                  + bucket.getKey()
                  + " must count at least 1 call, not "
                  + bucket.getValue(),
              "leave empty buckets out");
        }
      }
      buckets = Collections.unmodifiableSortedMap(new TreeMap<>(buckets));
    }
  }

  /** The snapshot of buckets and sums: percentiles from the buckets, never above the maximum. */
  public static LatencySnapshot of(
      Map<Integer, Long> buckets, long count, long timedCalls, long sumNanos, long maxNanos) {
    SortedMap<Integer, Long> nonEmpty = new TreeMap<>();
    buckets.forEach(
        (index, calls) -> {
          if (calls > 0) {
            nonEmpty.put(index, calls);
          }
        });
    return new LatencySnapshot(
        count,
        timedCalls,
        count == 0 ? 0.0 : millis(sumNanos / count),
        millis(percentile(nonEmpty, 0.50, maxNanos)),
        millis(percentile(nonEmpty, 0.90, maxNanos)),
        millis(percentile(nonEmpty, 0.99, maxNanos)),
        millis(percentile(nonEmpty, 0.999, maxNanos)),
        millis(maxNanos),
        sumNanos,
        maxNanos,
        nonEmpty);
  }

  /**
   * This histogram and another added up, as if one process had recorded both: buckets, calls,
   * timings and sums add, the maximum is the larger, and percentiles are read again from the sum
   * (averaging percentiles could not give them). A side without buckets adds none.
   */
  public LatencySnapshot plus(LatencySnapshot other) {
    Map<Integer, Long> sum = new TreeMap<>();
    if (buckets != null) {
      sum.putAll(buckets);
    }
    if (other.buckets != null) {
      other.buckets.forEach((index, calls) -> sum.merge(index, calls, Long::sum));
    }
    return of(
        sum,
        count + other.count,
        timedCalls + other.timedCalls,
        sumNanos + other.sumNanos,
        Math.max(maxNanos, other.maxNanos));
  }

  /**
   * What this histogram counted since {@code earlier}, a snapshot of the same histogram taken
   * before: buckets, calls, timings and sums subtract. The window's own maximum is not recorded, so
   * it is the top of the highest bucket that grew, never above this histogram's maximum. The caller
   * checks first that nothing went down (a histogram that went down was reset, and a difference
   * would be meaningless); a bucket that did is left out here.
   */
  public LatencySnapshot minus(LatencySnapshot earlier) {
    TreeMap<Integer, Long> difference = new TreeMap<>();
    if (buckets != null) {
      buckets.forEach(
          (index, calls) -> {
            long before = earlier.buckets == null ? 0 : earlier.buckets.getOrDefault(index, 0L);
            if (calls > before) {
              difference.put(index, calls - before);
            }
          });
    }
    long windowMax =
        difference.isEmpty()
            ? (count > earlier.count && buckets == null ? maxNanos : 0)
            : Math.min(LatencyBuckets.upperBound(difference.lastKey()), maxNanos);
    return of(
        difference,
        Math.max(0, count - earlier.count),
        Math.max(0, timedCalls - earlier.timedCalls),
        Math.max(0, sumNanos - earlier.sumNanos),
        windowMax);
  }

  /** Whether any count of this histogram is below {@code earlier}'s: it was reset in between. */
  public boolean wentDownSince(LatencySnapshot earlier) {
    if (count < earlier.count || timedCalls < earlier.timedCalls || sumNanos < earlier.sumNanos) {
      return true;
    }
    if (earlier.buckets != null && buckets != null) {
      for (Map.Entry<Integer, Long> bucket : earlier.buckets.entrySet()) {
        if (buckets.getOrDefault(bucket.getKey(), 0L) < bucket.getValue()) {
          return true;
        }
      }
    }
    return false;
  }

  /** The histograms of many processes added up; an empty one when there are none. */
  public static LatencySnapshot merge(List<LatencySnapshot> histograms) {
    LatencySnapshot merged = of(Map.of(), 0, 0, 0, 0);
    for (LatencySnapshot histogram : histograms) {
      merged = merged.plus(histogram);
    }
    return merged;
  }

  /** The same numbers without the buckets, for views that show numbers only. */
  public LatencySnapshot withoutBuckets() {
    return new LatencySnapshot(
        count,
        timedCalls,
        meanMillis,
        p50Millis,
        p90Millis,
        p99Millis,
        p999Millis,
        maxMillis,
        sumNanos,
        maxNanos,
        null);
  }

  public static LatencySnapshot fromWire(Object json) {
    return read(StrictObject.tolerant(json, WHAT, FIELDS));
  }

  static LatencySnapshot read(StrictObject body) {
    // Older controllers' merged views had timedCalls only, older agents count only: either stands
    // for the other.
    long count = body.optionalLong("count", -1, 0, Long.MAX_VALUE);
    long timedCalls = body.optionalLong("timedCalls", count, 0, Long.MAX_VALUE);
    if (count < 0 && timedCalls < 0) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST, WHAT + " needs 'count'", "send e.g. {\"count\": 0}");
    }
    count = count < 0 ? timedCalls : count;
    return new LatencySnapshot(
        count,
        timedCalls,
        millisField(body, "meanMillis"),
        millisField(body, "p50Millis"),
        millisField(body, "p90Millis"),
        millisField(body, "p99Millis"),
        millisField(body, "p999Millis"),
        millisField(body, "maxMillis"),
        body.optionalLong("sumNanos", 0, 0, Long.MAX_VALUE),
        body.optionalLong("maxNanos", 0, 0, Long.MAX_VALUE),
        buckets(body));
  }

  private static double millisField(StrictObject body, String name) {
    return body.optionalDouble(name, 0.0, 0.0, Double.MAX_VALUE);
  }

  private static Map<Integer, Long> buckets(StrictObject body) {
    Map<String, Object> json = body.optionalObject("buckets");
    if (json == null) {
      return null;
    }
    SortedMap<Integer, Long> buckets = new TreeMap<>();
    for (Map.Entry<String, Object> bucket : json.entrySet()) {
      int index;
      try {
        index = Integer.parseInt(bucket.getKey());
      } catch (NumberFormatException notAnIndex) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            WHAT + ": bucket '" + shortened(bucket.getKey()) + "' is not a bucket index",
            "send the buckets as {\"index\": calls}, e.g. {\"12\": 3}");
      }
      if (!(bucket.getValue() instanceof Long calls)) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            WHAT + ": bucket " + index + " must count a whole number of calls",
            "send the buckets as {\"index\": calls}, e.g. {\"12\": 3}");
      }
      buckets.put(index, calls);
    }
    return buckets;
  }

  private static String shortened(String text) {
    return text.length() > 20 ? text.substring(0, 20) + "..." : text;
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("count", count)
        .put("timedCalls", timedCalls)
        .put("meanMillis", meanMillis)
        .put("p50Millis", p50Millis)
        .put("p90Millis", p90Millis)
        .put("p99Millis", p99Millis)
        .put("p999Millis", p999Millis)
        .put("maxMillis", maxMillis)
        .put("sumNanos", sumNanos)
        .put("maxNanos", maxNanos)
        .put("buckets", buckets)
        .toMap();
  }

  private static long percentile(Map<Integer, Long> buckets, double quantile, long maxNanos) {
    return Math.min(LatencyBuckets.percentile(buckets, quantile), maxNanos);
  }

  /**
   * Nanoseconds as milliseconds to the microsecond, the precision every latency field is shown in.
   */
  public static double millis(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }
}

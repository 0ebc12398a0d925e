package dev.jlive.agent.record;

import dev.jlive.agent.probe.CallRecorder;
import dev.jlive.agent.probe.ValueRenderer;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.record.RecordRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One recording at run time: the calls its probe kept, each copied on the application's thread when
 * it ended ({@link CallCodec}). Bounded by the request's count and by {@link
 * RecordRequest#MAX_TOTAL_BYTES}; once either is reached it takes no more calls and asks its
 * engine, on the engine's thread, to take its probe out.
 */
final class Recording implements CallRecorder {
  final String id;
  final String author;
  final RecordRequest request;
  final RecordHeader header;
  private final CallCodec codec;
  private final Runnable onFull;
  private final List<RecordedCall> calls = new ArrayList<>();
  private final AtomicInteger taken = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicInteger cut = new AtomicInteger();
  volatile String probeId;
  volatile String endedWhy;

  Recording(
      String id,
      String author,
      RecordRequest request,
      RecordHeader header,
      ClassLoader loader,
      Runnable onFull) {
    this.id = id;
    this.author = author;
    this.request = request;
    this.header = header;
    this.codec = new CallCodec(loader, request.depth(), request.maxBytes());
    this.onFull = onFull;
  }

  @Override
  public void record(Object self, Object[] args, Object returned, Throwable thrown) {
    if (endedWhy != null || taken.incrementAndGet() > request.count()) {
      return;
    }
    String why = null;
    byte[] graph = new byte[0];
    try {
      graph = codec.write(self, args, thrown == null ? returned : null);
    } catch (CallCodec.Cut e) {
      why = e.getMessage();
      cut.incrementAndGet();
    }
    // A kept call's renderings are made from its bytes when it is replayed (Replayer), off this
    // thread; a cut call has no bytes, so its arguments are rendered now.
    String arguments = why == null ? "" : ValueRenderer.text(args);
    RecordedCall call =
        new RecordedCall(
            why,
            arguments,
            thrown == null ? null : thrown.getClass().getName(),
            thrown == null ? null : thrown.getMessage(),
            graph);
    long total = bytes.addAndGet(graph.length + arguments.length());
    synchronized (calls) {
      calls.add(call);
    }
    if (taken.get() >= request.count() || total >= RecordRequest.MAX_TOTAL_BYTES) {
      onFull.run();
    }
  }

  boolean isRunning() {
    return endedWhy == null;
  }

  byte[] file() {
    synchronized (calls) {
      return new RecordFile(header, List.copyOf(calls)).toBytes();
    }
  }

  Map<String, Object> status() {
    int kept;
    synchronized (calls) {
      kept = calls.size();
    }
    return JsonObject.create()
        .put("id", id)
        .put("probe", probeId)
        .put("method", header.display())
        .put("state", isRunning() ? "recording" : "ended")
        .put("endedWhy", endedWhy)
        .put("calls", kept)
        .put("cut", cut.get())
        .put("bytes", bytes.get())
        .toMap();
  }
}

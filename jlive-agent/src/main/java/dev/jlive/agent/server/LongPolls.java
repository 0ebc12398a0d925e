package dev.jlive.agent.server;

import dev.jlive.protocol.Api;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.event.EventsAnswer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Long polls for probe events ({@code jlive tail}), answered later without holding a worker: the
 * first look runs on the worker; if there is nothing yet, the request is parked and one timer
 * thread looks again every {@link #POLL_MILLIS} until an event comes or the wait ends.
 */
final class LongPolls {
  /** Long polls waiting at once; more get a clear 429 rather than a queue. */
  static final int MAX_WAITING = 8;

  private static final long POLL_MILLIS = 50;
  private static final long MAX_WAIT_MILLIS = 10_000;

  private final ScheduledThreadPoolExecutor timer;
  private final AtomicInteger waiting = new AtomicInteger();

  LongPolls(ScheduledThreadPoolExecutor timer) {
    this.timer = timer;
  }

  static boolean isLongPoll(Request request) {
    return request.method().equals("GET")
        && request.path().equals(Api.EVENTS)
        && request.intParam("waitMillis", 0) > 0;
  }

  /**
   * Answers through {@code answer} or {@code failure}, exactly once, now or when an event comes.
   */
  void park(Request request, Route route, Consumer<Object> answer, Consumer<Throwable> failure)
      throws Exception {
    if (waiting.incrementAndGet() > MAX_WAITING) {
      waiting.decrementAndGet();
      throw new JLiveException(
          ErrorCode.BUSY,
          "this agent already has " + MAX_WAITING + " `jlive tail` sessions waiting for events",
          "stop a tail you no longer watch, or poll without waitMillis");
    }
    long deadline =
        System.nanoTime()
            + TimeUnit.MILLISECONDS.toNanos(
                Math.min(MAX_WAIT_MILLIS, request.intParam("waitMillis", 0)));
    Map<String, String> query = new HashMap<>(request.query());
    query.remove("waitMillis");
    look(
        new Request(request.method(), request.path(), query, request.body(), request.user()),
        route,
        deadline,
        answer,
        failure);
  }

  private void look(
      Request request,
      Route route,
      long deadline,
      Consumer<Object> answer,
      Consumer<Throwable> failure) {
    try {
      Object events = route.handle(request);
      if (events instanceof EventsAnswer answered
          && answered.events().isEmpty()
          && System.nanoTime() - deadline < 0) {
        Map<String, String> next = new HashMap<>(request.query());
        next.remove("last");
        next.put("after", String.valueOf(answered.last()));
        Request again =
            new Request(request.method(), request.path(), next, request.body(), request.user());
        timer.schedule(
            () -> look(again, route, deadline, answer, failure),
            POLL_MILLIS,
            TimeUnit.MILLISECONDS);
        return;
      }
      waiting.decrementAndGet();
      answer.accept(events);
    } catch (RejectedExecutionException stopping) {
      waiting.decrementAndGet();
      failure.accept(
          new JLiveException(
              ErrorCode.AGENT_STOPPING, "the agent is stopping", "attach again if needed"));
    } catch (Exception | LinkageError | StackOverflowError e) {
      waiting.decrementAndGet();
      failure.accept(e);
    }
  }

  int waiting() {
    return waiting.get();
  }
}

package dev.jlive.controller.audit;

import dev.jlive.protocol.Json;
import dev.jlive.protocol.audit.AuditRecord;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How the controller writes to its {@link AuditLog}, by what is at stake.
 *
 * <ul>
 *   <li>A request that changes something is recorded twice: {@code started} before it is done, and
 *       its outcome after. When the first record cannot be written the request fails and changes
 *       nothing, so no change is ever made without a record of it. When the outcome cannot be
 *       written the change stands (it is in the store, its {@code started} record names it) and the
 *       outcome goes to the controller's log.
 *   <li>A read of captured snapshots is recorded before the data is answered; when the record
 *       cannot be written the data is not sent.
 *   <li>Refusals (401, 403) are recorded best effort, through a bounded queue written by one
 *       thread: a flood of bad tokens costs a queue slot each, never a request thread's wait or
 *       unbounded memory. Refusals that find the queue full are counted, and the count is recorded
 *       when there is room again.
 * </ul>
 */
public final class AuditTrail implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("jlive.controller");

  /** The operation of the record that counts refusals not recorded one by one. */
  static final String LOST_REFUSALS = "refusals not recorded";

  private final AuditLog log;
  private final BlockingQueue<AuditEntry> refusals;
  private final AtomicLong refusalsNotRecorded = new AtomicLong();
  private final Thread writer;

  public AuditTrail(AuditLog log, int refusalQueue) {
    this.log = log;
    this.refusals = new ArrayBlockingQueue<>(refusalQueue);
    this.writer = new Thread(this::writeRefusals, "jlive-audit-refusals");
    writer.setDaemon(true);
    writer.start();
  }

  public AuditLog log() {
    return log;
  }

  /**
   * Records an entry before answering; throws (STORE_UNAVAILABLE) when it cannot, and then the
   * caller must neither change anything nor send what it read.
   */
  public AuditRecord recordNow(AuditEntry entry) {
    return log.append(entry);
  }

  /** Records an outcome after the fact: a failure to write goes to the controller's log. */
  public void recordAfter(AuditEntry entry) {
    try {
      log.append(entry);
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.ERROR,
          "audit record not written, kept here instead: "
              + Json.write(entry.at(0, "").toJson())
              + " ("
              + e.getMessage()
              + ")");
    }
  }

  /** Records a refusal best effort; never blocks or throws. */
  public void refused(AuditEntry entry) {
    if (!refusals.offer(entry)) {
      refusalsNotRecorded.incrementAndGet();
    }
  }

  private void writeRefusals() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        // Woken at least once a second, so a count of lost refusals is written without waiting
        // for the next refusal.
        AuditEntry entry = refusals.poll(1, TimeUnit.SECONDS);
        if (entry != null && !write(entry)) {
          refusalsNotRecorded.incrementAndGet();
        }
        long lost = refusalsNotRecorded.getAndSet(0);
        if (lost > 0 && !write(lostRefusals(lost))) {
          refusalsNotRecorded.addAndGet(lost);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The record that stands for refusals that could not be recorded one by one. */
  static AuditEntry lostRefusals(long count) {
    return new AuditEntry(
        Instant.now(),
        null,
        null,
        null,
        LOST_REFUSALS,
        null,
        null,
        "refused",
        null,
        null,
        count + " refused requests were not recorded one by one (queue full or store unreachable)");
  }

  private boolean write(AuditEntry entry) {
    try {
      log.append(entry);
      return true;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "a refusal was not recorded in the audit log: {0}", e);
      return false;
    }
  }

  @Override
  public void close() {
    writer.interrupt();
    try {
      writer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.jlive.controller.audit;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.audit.AuditChain;
import dev.jlive.protocol.audit.AuditHead;
import dev.jlive.protocol.audit.AuditPage;
import dev.jlive.protocol.audit.AuditRecord;
import dev.jlive.protocol.audit.AuditVerdict;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;

/**
 * The audit log in ZooKeeper, shared by every controller of the ensemble: one node per record,
 * named by its number, and a head node naming the last record and its hash.
 *
 * <pre>
 * /jlive/audit/head                      {"seq": n, "hash": h}: the last record
 * /jlive/audit/records/0000000000000000042   record 42 ({@link AuditRecord})
 * </pre>
 *
 * <p>Appending is a compare-and-set on the head: read it (number n, hash h, znode version v), then
 * in one transaction create record n+1 with {@code previous} h and set the head to it, only if the
 * head is still at version v. Two controllers appending at once both read n; one transaction wins,
 * the other fails on the version (or on record n+1 existing) and reads the head again, so the log
 * stays one chain and never forks. A failed transaction leaves nothing behind.
 *
 * <p>Reads go by number, never by listing the records' parent: a listing of millions of children is
 * one answer ZooKeeper cannot send, while numbered reads page in batches of one multi-read.
 */
public final class AuditLog {
  public static final String ROOT = "/jlive/audit";
  private static final String PARENT = "/jlive";
  static final String HEAD = ROOT + "/head";
  static final String RECORDS = ROOT + "/records";

  /** Conflicts before giving up: each one means another record was written in between. */
  private static final int MAX_ATTEMPTS = 100;

  private static final int BATCH = 500;

  /** Records looked at by one page request, matching or not, so a narrow filter stays cheap. */
  private static final int MAX_SCANNED_PER_PAGE = 20_000;

  private final CuratorFramework client;

  public AuditLog(CuratorFramework client) {
    this.client = client;
  }

  /** Makes the log's nodes, unless another controller did. */
  public void start() {
    try {
      try {
        client.create().creatingParentsIfNeeded().forPath(PARENT);
      } catch (KeeperException.NodeExistsException fine) {
        // the fleet store or another controller made it
      }
      client
          .transaction()
          .forOperations(
              client.transactionOp().create().forPath(ROOT, new byte[0]),
              client.transactionOp().create().forPath(RECORDS, new byte[0]),
              client
                  .transactionOp()
                  .create()
                  .forPath(HEAD, bytes(new AuditHead(0, AuditChain.GENESIS).toJson())));
    } catch (KeeperException.NodeExistsException anotherControllerWasFirst) {
      // fine
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  /** The head as read, with the znode version the next append must find. */
  record Head(long sequence, String hash, int version) {}

  /** Appends one record, retrying while other controllers append; answers the record written. */
  public AuditRecord append(AuditEntry entry) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      AuditRecord written = tryAppend(head(), entry);
      if (written != null) {
        return written;
      }
      try {
        // Spread the retries of controllers that collided, so they do not collide again.
        Thread.sleep(ThreadLocalRandom.current().nextInt(1, 5 + Math.min(attempt, 20)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new JLiveException(
        ErrorCode.STORE_UNAVAILABLE,
        "the audit log kept changing while this controller appended to it",
        "try again; many controllers appending at once slow each other down");
  }

  Head head() {
    try {
      Stat stat = new Stat();
      AuditHead head =
          AuditHead.fromWire(parse(client.getData().storingStatIn(stat).forPath(HEAD)));
      return new Head(head.sequence(), head.hash(), stat.getVersion());
    } catch (KeeperException.NoNodeException e) {
      throw new JLiveException(
          ErrorCode.INTERNAL_ERROR,
          "the audit log has no head node " + HEAD + ": it was deleted outside jlive",
          "nothing is recorded, so nothing is changed, until it is back: `jlive audit verify` "
              + "tells how much of the log still holds");
    } catch (JLiveException | IllegalArgumentException e) {
      throw new JLiveException(
          ErrorCode.INTERNAL_ERROR,
          "the audit log's head node " + HEAD + " is not readable: " + e.getMessage(),
          "it was changed outside jlive; `jlive audit verify` tells how much of the log holds");
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  /**
   * One attempt: appends after {@code head}, or answers null when the head moved since it was read
   * (another record went in first; nothing was written).
   */
  AuditRecord tryAppend(Head head, AuditEntry entry) {
    AuditRecord record = entry.at(head.sequence() + 1, head.hash());
    try {
      client
          .transaction()
          .forOperations(
              client
                  .transactionOp()
                  .create()
                  .forPath(path(record.sequence()), bytes(record.toJson())),
              client
                  .transactionOp()
                  .setData()
                  .withVersion(head.version())
                  .forPath(HEAD, bytes(new AuditHead(record.sequence(), record.hash()).toJson())));
      return record;
    } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException moved) {
      return null;
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  public AuditHead currentHead() {
    Head head = head();
    return new AuditHead(head.sequence(), head.hash());
  }

  /**
   * Up to {@code limit} records after number {@code after} that match, oldest first.
   *
   * @param service only this service's records, or null for all
   * @param since only records from this instant on, or null for all
   */
  public AuditPage page(long after, int limit, String service, Instant since) {
    long last = head().sequence();
    List<Map<String, Object>> matching = new ArrayList<>();
    long position = after;
    while (position < last && matching.size() < limit && position - after < MAX_SCANNED_PER_PAGE) {
      long to = Math.min(last, position + BATCH);
      long reached = to;
      for (Map.Entry<Long, byte[]> node : read(position + 1, to).entrySet()) {
        if (matching.size() == limit) {
          reached = node.getKey() - 1;
          break;
        }
        Map<String, Object> wire = parseOrNull(node.getValue());
        if (wire != null && matches(wire, service, since)) {
          matching.add(wire);
        }
      }
      position = reached;
    }
    return new AuditPage(matching, position < last ? position : null);
  }

  private static boolean matches(Map<String, Object> wire, String service, Instant since) {
    if (service != null && !service.equals(wire.get("service"))) {
      return false;
    }
    if (since == null) {
      return true;
    }
    try {
      return !AuditRecord.fromWire(wire).time().isBefore(since);
    } catch (JLiveException unreadable) {
      return true;
    }
  }

  /** Walks the whole chain from the first record to the head. */
  public AuditVerdict verify() {
    try {
      if (client.checkExists().forPath(HEAD) == null) {
        return new AuditVerdict(
            false,
            0,
            0,
            null,
            null,
            "the head node " + HEAD + " is missing: deleted outside jlive");
      }
    } catch (Exception e) {
      throw unavailable(e);
    }
    Head head = head();
    AuditChain.Walk walk = new AuditChain.Walk();
    for (long from = 1; from <= head.sequence(); from += BATCH) {
      for (Map.Entry<Long, byte[]> node :
          read(from, Math.min(head.sequence(), from + BATCH - 1)).entrySet()) {
        if (!walk.next(node.getKey(), parseOrNull(node.getValue()))) {
          return walk.verdict(head.sequence(), head.hash());
        }
      }
    }
    return walk.verdict(head.sequence(), head.hash());
  }

  /** Records {@code from} to {@code to} that exist, by number, in one round trip. */
  private TreeMap<Long, byte[]> read(long from, long to) {
    List<Op> reads = new ArrayList<>();
    for (long sequence = from; sequence <= to; sequence++) {
      reads.add(Op.getData(path(sequence)));
    }
    TreeMap<Long, byte[]> found = new TreeMap<>();
    try {
      // A multi of reads answers each read on its own: a missing node is an error result there.
      List<OpResult> results = client.getZookeeperClient().getZooKeeper().multi(reads);
      for (int i = 0; i < results.size(); i++) {
        if (results.get(i) instanceof OpResult.GetDataResult data) {
          found.put(from + i, data.getData());
        }
      }
      return found;
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  static String path(long sequence) {
    return String.format(Locale.ROOT, "%s/%019d", RECORDS, sequence);
  }

  private static Map<String, Object> parse(byte[] data) {
    return Json.parseObject(new String(data == null ? new byte[0] : data, StandardCharsets.UTF_8));
  }

  private static Map<String, Object> parseOrNull(byte[] data) {
    try {
      return JsonObject.copyOf(parse(data));
    } catch (IllegalArgumentException notJson) {
      return null;
    }
  }

  private static byte[] bytes(Map<String, Object> json) {
    return Json.write(json).getBytes(StandardCharsets.UTF_8);
  }

  private static JLiveException unavailable(Exception cause) {
    return new JLiveException(
        ErrorCode.STORE_UNAVAILABLE,
        "the audit log in ZooKeeper cannot be reached: "
            + cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : ": " + cause.getMessage()),
        "nothing was changed: a change is made only once its audit record is written; check the"
            + " ensemble");
  }
}

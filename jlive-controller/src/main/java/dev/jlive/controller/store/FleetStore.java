package dev.jlive.controller.store;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.fleet.LostProcess;
import dev.jlive.protocol.fleet.ProcessInfo;
import dev.jlive.protocol.fleet.ProcessReport;
import dev.jlive.protocol.rollout.RolloutState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.listen.Listenable;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Everything a controller knows, kept in ZooKeeper so that controllers hold no state of their own
 * and several can share one ensemble. Reads come from a local mirror (a Curator cache), so they
 * still answer while ZooKeeper is unreachable; writes then fail with STORE_UNAVAILABLE.
 *
 * <pre>
 * /jlive/services/{service}                 {"createdAt"}
 * /jlive/services/{service}/desired         {"active": [change ids], "only": {change id: [process ids]}}; its znode
 *                                           version is the desired version; "only" holds the changes under a
 *                                           staged rollout, each sent only to the processes its waves reached
 * /jlive/services/{service}/counter         the last change number handed out
 * /jlive/services/{service}/changes/{id}    the change ({@link Change}): kind, spec, where, author, state, history;
 *                                           a proposed one (waiting for approval) is here but not in desired
 * /jlive/services/{service}/processes/{id}  ephemeral: a registered process ({@link ProcessInfo})
 * /jlive/services/{service}/reports/{id}    ephemeral: its last report ({@link ProcessReport}: per-change states, probe metrics)
 * /jlive/services/{service}/events/{id}     ephemeral: its latest probe events
 * /jlive/services/{service}/lost/{id}       a process dropped because it stopped syncing ({@link LostProcess}, kept an hour)
 * /jlive/services/{service}/rollouts/{id}   the staged rollout of change {id} ({@link RolloutState}); written version-checked
 * </pre>
 *
 * The nodes hold the wire records' JSON, read tolerantly: a node written by a newer controller
 * sharing the ensemble loses only the fields this version does not know.
 *
 * <p>Ephemeral nodes belong to the ZooKeeper session of the controller an agent talks to: when that
 * controller goes away, so do they, and the agent registers again with whichever controller it
 * reaches next.
 */
public final class FleetStore implements AutoCloseable {
  public static final String ROOT = "/jlive/services";
  private static final System.Logger LOG = System.getLogger("jlive.controller");

  /**
   * How long a write of a change waits for the mirror to show it ({@link #awaitMirror}); longer
   * only when ZooKeeper is in trouble, and the write is done by then anyway.
   */
  private static final Duration MIRROR_WAIT = Duration.ofSeconds(10);

  /** How each kind of child node is read into the mirror's index; events stay in wire form. */
  private static final Map<String, Function<Map<String, Object>, Object>> READERS =
      Map.of(
          "processes", ProcessInfo::fromWire,
          "reports", ProcessReport::fromWire,
          "lost", LostProcess::fromWire,
          "changes", Change::fromWire,
          "rollouts", RolloutState::fromWire,
          "events", node -> node);

  private final ZooKeeperAccess access;
  private final CuratorFramework client;
  private final CuratorCache cache;
  private final List<Consumer<String>> desiredListeners = new CopyOnWriteArrayList<>();

  /** service -> kind of node -> id -> the node read by its kind's reader. */
  private final Map<String, Map<String, Map<String, Object>>> indexed = new ConcurrentHashMap<>();

  /** The last desired state read per service: thousands of syncs read it, parsed once a version. */
  private final Map<String, Desired> desiredRead = new ConcurrentHashMap<>();

  /**
   * The services' names, kept from the mirror's events: the rollout driver asks every tick, and a
   * scan of the mirror costs every node of every service (thousands of processes and reports).
   */
  private final Set<String> serviceNames = new ConcurrentSkipListSet<>();

  private volatile ConnectionState connection = ConnectionState.LOST;

  /**
   * {@code service/kind/id} -> the zxid of the node version the index holds, for changes and
   * rollouts: what a write waits for before it answers ({@link #awaitMirror}).
   */
  private final Map<String, Long> indexedZxids = new ConcurrentHashMap<>();

  /** Notified by the mirror's listener after each event, when a write waits for it. */
  private final Object mirrorMoved = new Object();

  private final AtomicInteger mirrorWaiters = new AtomicInteger();

  /** The thread the mirror's listener runs on: a write made there must not wait for it. */
  private volatile Thread mirrorThread;

  /** For tests only: false answers writes before the mirror shows them (the negative control). */
  private volatile boolean writesWaitForMirror = true;

  public FleetStore(String connectString, Duration sessionTimeout) {
    this(connectString, sessionTimeout, ZooKeeperAccess.open());
  }

  /** A store whose client authenticates as {@code access} and gives every node it makes its ACL. */
  public FleetStore(String connectString, Duration sessionTimeout, ZooKeeperAccess access) {
    this.access = access;
    this.client =
        access
            .clientBuilder(connectString)
            .sessionTimeoutMs((int) sessionTimeout.toMillis())
            .connectionTimeoutMs(5_000)
            .retryPolicy(new ExponentialBackoffRetry(200, 3, 2_000))
            .build();
    this.cache = CuratorCache.build(client, ROOT);
  }

  /** Connects and fills the mirror; fails with a clear message when ZooKeeper cannot be reached. */
  public void start(Duration connectWait) throws InterruptedException {
    client.getConnectionStateListenable().addListener((c, state) -> connection = state);
    client.start();
    if (!client.blockUntilConnected((int) connectWait.toMillis(), TimeUnit.MILLISECONDS)) {
      client.close();
      throw new JLiveException(
          ErrorCode.STORE_UNAVAILABLE,
          "cannot reach ZooKeeper at "
              + client.getZookeeperClient().getCurrentConnectionString()
              + " within "
              + connectWait.toSeconds()
              + " s",
          "check --zk (host:port,host:port...) and that the ensemble is up, or leave --zk out for an embedded one");
    }
    connection = ConnectionState.CONNECTED;
    try {
      access.secure(client);
    } catch (JLiveException e) {
      client.close();
      throw e;
    } catch (Exception e) {
      client.close();
      throw unavailable(e);
    }
    try {
      client.create().orSetData().creatingParentsIfNeeded().forPath(ROOT, new byte[0]);
    } catch (KeeperException.NodeExistsException fine) {
      // another controller made it first
    } catch (Exception e) {
      throw unavailable(e);
    }
    CountDownLatch filled = new CountDownLatch(1);
    cache
        .listenable()
        .addListener(
            CuratorCacheListener.builder()
                .forAll(
                    (type, before, after) -> {
                      mirrorThread = Thread.currentThread();
                      ChildData node = after != null ? after : before;
                      String[] parts = relative(node.getPath());
                      if (parts.length == 1 && !parts[0].isEmpty()) {
                        if (type == CuratorCacheListener.Type.NODE_DELETED) {
                          serviceNames.remove(parts[0]);
                        } else {
                          serviceNames.add(parts[0]);
                        }
                      }
                      if (parts.length == 2 && parts[1].equals("desired")) {
                        desiredListeners.forEach(listener -> listener.accept(parts[0]));
                      }
                      if (parts.length == 3) {
                        ChildData indexedNode =
                            type == CuratorCacheListener.Type.NODE_DELETED ? null : after;
                        index(parts[0], parts[1], parts[2], indexedNode);
                        if (parts[1].equals("changes") || parts[1].equals("rollouts")) {
                          String key = parts[0] + "/" + parts[1] + "/" + parts[2];
                          if (indexedNode == null) {
                            indexedZxids.remove(key);
                          } else {
                            indexedZxids.put(key, indexedNode.getStat().getMzxid());
                          }
                        }
                      }
                      if (mirrorWaiters.get() > 0) {
                        synchronized (mirrorMoved) {
                          mirrorMoved.notifyAll();
                        }
                      }
                    })
                .forInitialized(filled::countDown)
                .build());
    cache.start();
    filled.await(connectWait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Called with a service's name whenever its desired state changes, from any controller. */
  public void onDesiredChange(Consumer<String> listener) {
    desiredListeners.add(listener);
  }

  /** connected, suspended (reads from the mirror) or lost. */
  public String connectionState() {
    return switch (connection) {
      case CONNECTED, RECONNECTED -> "connected";
      case SUSPENDED -> "suspended";
      default -> "lost";
    };
  }

  /**
   * The ZooKeeper client, for the other areas under {@code /jlive} (users, policies, the audit log)
   * to share its session and credentials.
   */
  public CuratorFramework client() {
    return client;
  }

  public String connectString() {
    return client.getZookeeperClient().getCurrentConnectionString();
  }

  // ---- reads, from the mirror ----

  public List<String> services() {
    return new ArrayList<>(serviceNames);
  }

  public boolean serviceExists(String service) {
    return cache.get(path(service)).isPresent() || direct(path(service)) != null;
  }

  public Desired desired(String service) {
    Optional<ChildData> node = cache.get(path(service, "desired"));
    if (node.isEmpty()) {
      return new Desired(-1, List.of(), Map.of());
    }
    int version = node.get().getStat().getVersion();
    Desired known = desiredRead.get(service);
    if (known != null && known.version() == version) {
      return known;
    }
    Desired read = Desired.of(version, json(node.get()));
    desiredRead.put(service, read);
    return read;
  }

  /** The staged rollouts of a service, by change id. */
  public Map<String, RolloutState> rollouts(String service) {
    return children(service, "rollouts");
  }

  /** A rollout and its node's version, read from ZooKeeper itself; null when it has none. */
  public Versioned rollout(String service, String id) {
    if (!connectionState().equals("connected")) {
      throw new JLiveException(
          ErrorCode.STORE_UNAVAILABLE,
          "ZooKeeper is " + connectionState() + ": the rollout's state cannot be read",
          "check the ensemble at " + connectString());
    }
    try {
      Stat stat = new Stat();
      RolloutState state = RolloutState.fromWire(readJson(path(service, "rollouts", id), stat));
      return new Versioned(state, stat.getVersion());
    } catch (KeeperException.NoNodeException none) {
      return null;
    } catch (JLiveException e) {
      throw e;
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  public Change change(String service, String id) {
    Change cached =
        (Change) indexed.getOrDefault(service, Map.of()).getOrDefault("changes", Map.of()).get(id);
    if (cached != null) {
      return cached;
    }
    // The mirror follows writes a moment later: a change just made here must be found at once.
    byte[] data = direct(path(service, "changes", id));
    return data == null || data.length == 0
        ? null
        : Change.fromWire(Json.parseObject(new String(data, StandardCharsets.UTF_8)));
  }

  /**
   * A node read straight from ZooKeeper; null when it does not exist or ZooKeeper cannot be asked.
   */
  private byte[] direct(String path) {
    if (!connectionState().equals("connected")) {
      return null;
    }
    try {
      return client.getData().forPath(path);
    } catch (Exception absentOrUnreachable) {
      return null;
    }
  }

  /** The service's changes, newest first. */
  public List<Change> changes(String service) {
    List<Change> list = new ArrayList<>(this.<Change>children(service, "changes").values());
    list.sort((a, b) -> Long.compare(b.number(), a.number()));
    return list;
  }

  /** The live processes of a service, by id. */
  public Map<String, ProcessInfo> liveProcesses(String service) {
    return children(service, "processes");
  }

  /** A live process, from the mirror only: null when the mirror does not (yet) have it. */
  public ProcessInfo mirroredProcess(String service, String id) {
    return (ProcessInfo)
        indexed.getOrDefault(service, Map.of()).getOrDefault("processes", Map.of()).get(id);
  }

  /** A live process, from the mirror or else from ZooKeeper itself. */
  public ProcessInfo process(String service, String id) {
    ProcessInfo cached = mirroredProcess(service, id);
    if (cached != null) {
      return cached;
    }
    // The mirror follows writes a moment later: a sync right after its registration must find the
    // process.
    byte[] data = direct(path(service, "processes", id));
    return data == null || data.length == 0
        ? null
        : ProcessInfo.fromWire(Json.parseObject(new String(data, StandardCharsets.UTF_8)));
  }

  /** The last report of each process, by process id. */
  public Map<String, ProcessReport> processReports(String service) {
    return children(service, "reports");
  }

  /**
   * A report this controller received and has yet to write: reads here (a change's status, a
   * rollout's wave) see it at once instead of after the write and the mirror's event, which at
   * thousands of processes was most of a rollout's time (docs/BENCHMARKS.md, fleet delivery). Other
   * controllers see it when it is written; the mirror's event then puts the same report here.
   */
  public void reportReceived(String service, String id, ProcessReport report) {
    indexed
        .computeIfAbsent(service, s -> new ConcurrentHashMap<>())
        .computeIfAbsent("reports", k -> new ConcurrentSkipListMap<>())
        .put(id, report);
  }

  /**
   * Processes dropped for silence, by id: they are reported unreachable, unlike those that said
   * goodbye.
   */
  public Map<String, LostProcess> lostProcesses(String service) {
    return children(service, "lost");
  }

  /** The live processes in wire form, for the service's merged metrics and events. */
  public Map<String, Map<String, Object>> processes(String service) {
    return wireForm(liveProcesses(service));
  }

  /** The reports in wire form, for the service's merged metrics. */
  public Map<String, Map<String, Object>> reports(String service) {
    return wireForm(processReports(service));
  }

  /** The events nodes ({"events": [...], "dropped": n}), by process id. */
  public Map<String, Map<String, Object>> events(String service) {
    return children(service, "events");
  }

  private static Map<String, Map<String, Object>> wireForm(
      Map<String, ? extends JsonWritable> records) {
    Map<String, Map<String, Object>> wire = new TreeMap<>();
    records.forEach((id, record) -> wire.put(id, record.toJson()));
    return wire;
  }

  /**
   * The children of one kind of one service, sorted by id: from the index, without scanning the
   * mirror.
   */
  @SuppressWarnings("unchecked")
  private <T> Map<String, T> children(String service, String kind) {
    Map<String, Object> nodes = indexed.getOrDefault(service, Map.of()).get(kind);
    // A hash map that keeps the index's order (by id: the index is a ConcurrentSkipListMap), not a
    // TreeMap: a change's status read copies three of these and looks every process up in each, and
    // at 2,000 processes the TreeMap's string comparisons were a fifth of the read's CPU
    // (docs/BENCHMARKS.md, section 44).
    Map<String, T> copy = new LinkedHashMap<>();
    if (nodes != null) {
      // Entry by entry: copying a sorted map whole sizes the copy first and then iterates, and a
      // node removed meanwhile (a process dropped during a status read) made it throw
      // NoSuchElementException, a 500 for the status read (docs/BENCHMARKS.md, section 31).
      nodes.forEach((id, node) -> copy.put(id, (T) node));
    }
    return copy;
  }

  /**
   * Keeps the mirror's nodes also by service and kind, parsed once when they change, so that a
   * status read costs the processes of one service rather than every node of every service.
   */
  private void index(String service, String kind, String id, ChildData node) {
    Function<Map<String, Object>, Object> reader = READERS.get(kind);
    if (reader == null) {
      return;
    }
    Map<String, Map<String, Object>> kinds =
        indexed.computeIfAbsent(service, s -> new ConcurrentHashMap<>());
    Map<String, Object> nodes = kinds.computeIfAbsent(kind, k -> new ConcurrentSkipListMap<>());
    if (node == null) {
      nodes.remove(id);
      return;
    }
    try {
      Object read = reader.apply(json(node));
      if (read instanceof ProcessReport written
          && nodes.get(id) instanceof ProcessReport received
          && isLater(received.at(), written.at())) {
        // The write of an earlier report of a process that has reported since: the writers lag
        // behind the syncs, and the later report, already received here, must not be replaced.
        return;
      }
      nodes.put(id, read);
    } catch (IllegalArgumentException | JLiveException notReadable) {
      // Not JSON, or not the record it should be (a required field missing): left out of every
      // listing.
      nodes.remove(id);
      LOG.log(
          System.Logger.Level.WARNING,
          "ZooKeeper node {0} is not readable, ignored: {1}",
          node.getPath(),
          notReadable.getMessage());
    }
  }

  /**
   * Whether report time {@code a} is after {@code b}; false when either is missing or unreadable.
   */
  private static boolean isLater(String a, String b) {
    try {
      return a != null && b != null && Instant.parse(a).isAfter(Instant.parse(b));
    } catch (DateTimeParseException unreadable) {
      return false;
    }
  }

  // ---- writes ----

  public void ensureService(String service, long now) {
    if (serviceExists(service)) {
      return;
    }
    try {
      client
          .transaction()
          .forOperations(
              client
                  .transactionOp()
                  .create()
                  .forPath(path(service), bytes(JsonObject.create().put("createdAt", now).toMap())),
              client
                  .transactionOp()
                  .create()
                  .forPath(path(service, "desired"), desiredNode(List.of())),
              client.transactionOp().create().forPath(path(service, "counter"), counterNode(0)),
              client.transactionOp().create().forPath(path(service, "changes"), new byte[0]),
              client.transactionOp().create().forPath(path(service, "processes"), new byte[0]),
              client.transactionOp().create().forPath(path(service, "reports"), new byte[0]),
              client.transactionOp().create().forPath(path(service, "events"), new byte[0]));
    } catch (KeeperException.NodeExistsException anotherControllerWasFirst) {
      // fine
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  /**
   * Registers a live process: its ephemeral node, and at once in this controller's index. The reads
   * come from the mirror, which follows a write a moment later; a change added right after the
   * registration must find the process, or it is refused with "no live process" (CI failed so once:
   * {@code ZooKeeperLockdownTest}, on a busy host). The mirror's event then puts the same record.
   */
  public void putProcess(String service, ProcessInfo process) {
    putEphemeral(service, "processes", process.id(), process.toJson());
    indexed
        .computeIfAbsent(service, s -> new ConcurrentHashMap<>())
        .computeIfAbsent("processes", k -> new ConcurrentSkipListMap<>())
        .put(process.id(), process);
  }

  /** Writes an ephemeral node of this controller's session, replacing one another session left. */
  public void putEphemeral(String service, String kind, String id, Map<String, Object> data) {
    String path = path(service, kind, id);
    byte[] bytes = bytes(data);
    try {
      try {
        // setData answers the node's Stat: no second round trip to learn whose session owns it.
        Stat stat = client.setData().forPath(path, bytes);
        if (stat != null
            && stat.getEphemeralOwner()
                == client.getZookeeperClient().getZooKeeper().getSessionId()) {
          return;
        }
        client.delete().forPath(path);
      } catch (KeeperException.NoNodeException absent) {
        // create below
      }
      client.create().withMode(CreateMode.EPHEMERAL).forPath(path, bytes);
    } catch (KeeperException.NodeExistsException raced) {
      // another request for the same process won; the next report writes again
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  /**
   * Records that a process stopped syncing, and forgets such records older than {@code keepMillis}.
   */
  public void markLost(String service, String id, LostProcess lost, long now, long keepMillis) {
    try {
      client
          .create()
          .orSetData()
          .creatingParentContainersIfNeeded()
          .forPath(path(service, "lost", id), bytes(lost.toJson()));
      for (Map.Entry<String, LostProcess> old : lostProcesses(service).entrySet()) {
        if (now - old.getValue().lostAtMillis() > keepMillis) {
          client.delete().quietly().forPath(path(service, "lost", old.getKey()));
        }
      }
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  public void deleteProcess(String service, String id) {
    for (String kind : List.of("processes", "reports", "events")) {
      try {
        client.delete().forPath(path(service, kind, id));
      } catch (KeeperException.NoNodeException gone) {
        // fine
      } catch (Exception e) {
        throw unavailable(e);
      }
      // Out of the index at once too, as putProcess put it there: the mirror's event may never
      // come for a node it did not see before it went.
      Map<String, Object> nodes = indexed.getOrDefault(service, Map.of()).get(kind);
      if (nodes != null) {
        nodes.remove(id);
      }
    }
  }

  /**
   * Adds a change and, if {@code record} made it active, makes it desired in the same ZooKeeper
   * transaction; a proposed change is stored but desired by no process until approved ({@link
   * #updateProposal}). Answers instead the active or proposed change with the same digest (a change
   * sent twice is applied, or waits for approval, once). Retries when another controller changed
   * the service in between.
   */
  public Added addChange(String service, String digest, LongFunction<Change> record) {
    return addChange(service, digest, record, null);
  }

  /**
   * As {@link #addChange(String, String, LongFunction)}; when {@code rolloutOf} is given, the
   * change's rollout node is made in the same transaction and an active change goes out to no
   * process until the rollout's waves reach them.
   */
  public Added addChange(
      String service,
      String digest,
      LongFunction<Change> record,
      Function<Change, RolloutState> rolloutOf) {
    if (rolloutOf != null) {
      ensureParent(path(service, "rollouts"));
    }
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        Stat desiredStat = new Stat();
        Map<String, Object> desired =
            Json.parseObject(
                new String(
                    client.getData().storingStatIn(desiredStat).forPath(path(service, "desired")),
                    StandardCharsets.UTF_8));
        List<String> active = new ArrayList<>();
        for (Object id : (List<?>) desired.get("active")) {
          active.add(String.valueOf(id));
          Change existing =
              Change.fromWire(
                  Json.parseObject(
                      new String(
                          client.getData().forPath(path(service, "changes", String.valueOf(id))),
                          StandardCharsets.UTF_8)));
          if (digest.equals(existing.digest())) {
            return new Added(existing, false);
          }
        }
        Stat counterStat = new Stat();
        long number =
            ((Number)
                        Json.parseObject(
                                new String(
                                    client
                                        .getData()
                                        .storingStatIn(counterStat)
                                        .forPath(path(service, "counter")),
                                    StandardCharsets.UTF_8))
                            .get("last"))
                    .longValue()
                + 1;
        // Every change takes a number under this counter version: a proposal with the same digest
        // made since would fail the transaction below, and the next attempt would find it here.
        Change proposed = proposedWithDigest(service, digest, number - 1);
        if (proposed != null) {
          return new Added(proposed, false);
        }
        Change change = record.apply(number);
        String id = change.id();
        List<CuratorOp> ops = new ArrayList<>();
        ops.add(
            client
                .transactionOp()
                .setData()
                .withVersion(counterStat.getVersion())
                .forPath(path(service, "counter"), counterNode(number)));
        ops.add(
            client
                .transactionOp()
                .create()
                .forPath(path(service, "changes", id), bytes(change.toJson())));
        Map<String, List<String>> only = onlyOf(desired);
        if (rolloutOf != null) {
          ops.add(
              client
                  .transactionOp()
                  .create()
                  .forPath(path(service, "rollouts", id), bytes(rolloutOf.apply(change).toJson())));
          only.put(id, List.of());
        }
        if (change.isActive()) {
          active.add(id);
          ops.add(
              client
                  .transactionOp()
                  .setData()
                  .withVersion(desiredStat.getVersion())
                  .forPath(path(service, "desired"), desiredNode(active, only)));
        }
        long zxid = zxidOf(client.transaction().forOperations(ops));
        awaitMirror(
            service,
            zxid,
            "changes/" + id,
            rolloutOf != null ? "rollouts/" + id : null,
            change.isActive() ? "desired" : null);
        return new Added(change, true);
      } catch (KeeperException.BadVersionException
          | KeeperException.NodeExistsException concurrent) {
        // another controller changed the service at the same moment: read again
      } catch (JLiveException refused) {
        throw refused;
      } catch (Exception e) {
        throw unavailable(e);
      }
    }
    throw new JLiveException(
        ErrorCode.CONFLICT,
        "the service's desired state kept changing while adding the change",
        "try again");
  }

  /**
   * The proposed change numbered at most {@code last} with this digest, read from ZooKeeper where
   * the mirror may be behind; null when there is none.
   */
  private Change proposedWithDigest(String service, String digest, long last) throws Exception {
    Map<String, Object> mirrored =
        indexed.getOrDefault(service, Map.of()).getOrDefault("changes", Map.of());
    for (long number = 1; number <= last; number++) {
      String id = "c" + number;
      Change known = (Change) mirrored.get(id);
      if (known != null && !known.isProposed()) {
        // Once past proposed, a change never returns to it.
        continue;
      }
      if (known != null && !digest.equals(known.digest())) {
        continue;
      }
      byte[] data = direct(path(service, "changes", id));
      if (data == null || data.length == 0) {
        continue;
      }
      Change current = Change.fromWire(Json.parseObject(new String(data, StandardCharsets.UTF_8)));
      if (current.isProposed() && digest.equals(current.digest())) {
        return current;
      }
    }
    return null;
  }

  /**
   * Records a word on a proposed change: {@code update} answers the change with the approval or
   * rejection added (or throws to refuse it), read fresh from ZooKeeper. When the answer is active,
   * it is made desired in the same transaction, so a change is never active without being sent, nor
   * sent without being active. Answers the updated change.
   */
  public Change updateProposal(String service, String id, UnaryOperator<Change> update) {
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        Stat desiredStat = new Stat();
        Map<String, Object> desired = readJson(path(service, "desired"), desiredStat);
        Stat changeStat = new Stat();
        Change change = Change.fromWire(readJson(path(service, "changes", id), changeStat));
        Change updated = update.apply(change);
        List<CuratorOp> ops = new ArrayList<>();
        ops.add(
            client
                .transactionOp()
                .setData()
                .withVersion(changeStat.getVersion())
                .forPath(path(service, "changes", id), bytes(updated.toJson())));
        if (updated.isActive()) {
          List<Object> active = new ArrayList<>((List<?>) desired.get("active"));
          active.add(id);
          Map<String, List<String>> only = onlyOf(desired);
          if (client.checkExists().forPath(path(service, "rollouts", id)) != null) {
            // An approved rollout starts with no process reached: its driver sends the waves.
            only.put(id, List.of());
          }
          ops.add(
              client
                  .transactionOp()
                  .setData()
                  .withVersion(desiredStat.getVersion())
                  .forPath(path(service, "desired"), desiredNode(active, only)));
        }
        long zxid = zxidOf(client.transaction().forOperations(ops));
        awaitMirror(service, zxid, "changes/" + id, updated.isActive() ? "desired" : null);
        return updated;
      } catch (KeeperException.BadVersionException concurrent) {
        // another approver or controller at the same moment: read again
      } catch (JLiveException refused) {
        throw refused;
      } catch (Exception e) {
        throw unavailable(e);
      }
    }
    throw new JLiveException(
        ErrorCode.CONFLICT, "the change kept changing while recording the approval", "try again");
  }

  /** A node's JSON, and its version into {@code stat}. */
  private Map<String, Object> readJson(String path, Stat stat) throws Exception {
    return Json.parseObject(
        new String(client.getData().storingStatIn(stat).forPath(path), StandardCharsets.UTF_8));
  }

  /** Takes a change out of the desired state and records who did it; answers the updated change. */
  public Change revertChange(String service, String id, UnaryOperator<Change> update) {
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        Stat desiredStat = new Stat();
        Map<String, Object> desired = readJson(path(service, "desired"), desiredStat);
        Stat changeStat = new Stat();
        Change change = Change.fromWire(readJson(path(service, "changes", id), changeStat));
        List<Object> active = new ArrayList<>((List<?>) desired.get("active"));
        if (!active.remove(id)) {
          return change;
        }
        Change reverted = update.apply(change);
        Map<String, List<String>> only = onlyOf(desired);
        only.remove(id);
        List<CuratorOp> ops =
            List.of(
                client
                    .transactionOp()
                    .setData()
                    .withVersion(changeStat.getVersion())
                    .forPath(path(service, "changes", id), bytes(reverted.toJson())),
                client
                    .transactionOp()
                    .setData()
                    .withVersion(desiredStat.getVersion())
                    .forPath(path(service, "desired"), desiredNode(active, only)));
        long zxid = zxidOf(client.transaction().forOperations(ops));
        awaitMirror(service, zxid, "changes/" + id, "desired");
        return reverted;
      } catch (KeeperException.BadVersionException concurrent) {
        // read again
      } catch (Exception e) {
        throw unavailable(e);
      }
    }
    throw new JLiveException(
        ErrorCode.CONFLICT,
        "the service's desired state kept changing while reverting",
        "try again");
  }

  /** The transaction's zxid: every operation of a transaction has the same one. */
  private static long zxidOf(List<CuratorTransactionResult> results) {
    for (CuratorTransactionResult result : results) {
      if (result.getResultStat() != null) {
        return result.getResultStat().getMzxid();
      }
    }
    return Long.MAX_VALUE;
  }

  /**
   * Returns once the mirror shows the service's {@code nodes} (relative paths; null ones skipped)
   * as transaction {@code zxid} wrote them, or a later version: a user who adds, approves or
   * reverts a change and then lists the changes, or an agent that syncs at once, must see it. The
   * mirror follows ZooKeeper's events a moment after the write returns, longer on a busy host, and
   * read before then it showed the service without the change. Gives up after {@link #MIRROR_WAIT}:
   * the write is done, and the mirror follows when ZooKeeper answers again.
   */
  private void awaitMirror(String service, long zxid, String... nodes) {
    if (!writesWaitForMirror || Thread.currentThread() == mirrorThread) {
      return;
    }
    long deadline = System.nanoTime() + MIRROR_WAIT.toNanos();
    mirrorWaiters.incrementAndGet();
    try {
      synchronized (mirrorMoved) {
        while (!mirrorShows(service, zxid, nodes)) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            LOG.log(
                System.Logger.Level.WARNING,
                "the mirror of {0} did not show a write within {1} s; ZooKeeper may be slow",
                service,
                MIRROR_WAIT.toSeconds());
            return;
          }
          // Woken by the listener; the bound only makes a wake-up missed in a race cost 50 ms.
          mirrorMoved.wait(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(left))));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      mirrorWaiters.decrementAndGet();
    }
  }

  /**
   * Whether the reads show each node at {@code zxid} or later: desired from the mirror itself
   * ({@link #desired}), changes and rollouts from the index ({@link #changes}, {@link #rollouts}).
   */
  private boolean mirrorShows(String service, long zxid, String... nodes) {
    for (String node : nodes) {
      if (node == null) {
        continue;
      }
      long shown =
          node.equals("desired")
              ? cache
                  .get(path(service, "desired"))
                  .map(data -> data.getStat().getMzxid())
                  .orElse(-1L)
              : indexedZxids.getOrDefault(service + "/" + node, -1L);
      if (shown < zxid) {
        return false;
      }
    }
    return true;
  }

  /** For tests only: see {@link #writesWaitForMirror}. */
  void writesWaitForMirror(boolean wait) {
    writesWaitForMirror = wait;
  }

  /** For tests only: listeners of the mirror, called in order on one thread after the store's. */
  Listenable<CuratorCacheListener> mirrorListeners() {
    return cache.listenable();
  }

  /** For tests only: how many writes wait for the mirror now. */
  int mirrorWaiters() {
    return mirrorWaiters.get();
  }

  @Override
  public void close() {
    cache.close();
    client.close();
  }

  /**
   * A step of a rollout, in one ZooKeeper transaction: its node is written only if it still has
   * {@code version} (no other controller or user wrote it since), with the desired state edited by
   * {@code desiredEdit} (null to leave it) and the change by {@code changeEdit} (null to leave it).
   * Answers false when the node changed in between: nothing was written; read again.
   */
  public boolean stepRollout(
      String service,
      String id,
      int version,
      RolloutState next,
      DesiredEdit desiredEdit,
      UnaryOperator<Change> changeEdit) {
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        List<CuratorOp> ops = new ArrayList<>();
        ops.add(
            client
                .transactionOp()
                .setData()
                .withVersion(version)
                .forPath(path(service, "rollouts", id), bytes(next.toJson())));
        if (desiredEdit != null) {
          Stat desiredStat = new Stat();
          Map<String, Object> desired = readJson(path(service, "desired"), desiredStat);
          List<String> active = new ArrayList<>();
          ((List<?>) desired.get("active")).forEach(item -> active.add(String.valueOf(item)));
          Map<String, List<String>> only = onlyOf(desired);
          desiredEdit.edit(active, only);
          ops.add(
              client
                  .transactionOp()
                  .setData()
                  .withVersion(desiredStat.getVersion())
                  .forPath(path(service, "desired"), desiredNode(active, only)));
        }
        if (changeEdit != null) {
          Stat changeStat = new Stat();
          Change change = Change.fromWire(readJson(path(service, "changes", id), changeStat));
          ops.add(
              client
                  .transactionOp()
                  .setData()
                  .withVersion(changeStat.getVersion())
                  .forPath(path(service, "changes", id), bytes(changeEdit.apply(change).toJson())));
        }
        client.transaction().forOperations(ops);
        return true;
      } catch (KeeperException.BadVersionException concurrent) {
        // The rollout node moved on (another writer): the caller reads again. Else the desired
        // state
        // or the change did: try again.
        Versioned now = rollout(service, id);
        if (now == null || now.version() != version) {
          return false;
        }
      } catch (JLiveException e) {
        throw e;
      } catch (Exception e) {
        throw unavailable(e);
      }
    }
    throw new JLiveException(
        ErrorCode.CONFLICT,
        "the service's desired state kept changing while stepping the rollout",
        "try again");
  }

  /** An edit of the desired state: the active change ids and the rollouts' reached processes. */
  public interface DesiredEdit {
    void edit(List<String> active, Map<String, List<String>> only);
  }

  /** A rollout and the version of its node, for a version-checked write. */
  public record Versioned(RolloutState state, int version) {}

  private void ensureParent(String path) {
    try {
      client.create().creatingParentsIfNeeded().forPath(path, new byte[0]);
    } catch (KeeperException.NodeExistsException fine) {
      // made before, maybe by another controller
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  /**
   * The desired state: its version (the znode's), the active change ids, oldest first, and for each
   * change under a staged rollout the only processes that get it.
   */
  public record Desired(long version, List<String> active, Map<String, Set<String>> only) {
    public Desired(long version, List<String> active) {
      this(version, active, Map.of());
    }

    static Desired of(int version, Map<String, Object> node) {
      List<String> active = new ArrayList<>();
      for (Object id : (List<?>) node.getOrDefault("active", List.of())) {
        active.add(String.valueOf(id));
      }
      Map<String, Set<String>> only = new LinkedHashMap<>();
      onlyOf(node).forEach((id, processes) -> only.put(id, Set.copyOf(processes)));
      return new Desired(version, active, Map.copyOf(only));
    }

    /** Whether the process {@code process} gets the active change {@code id}. */
    public boolean reaches(String id, String process) {
      Set<String> limited = only.get(id);
      return limited == null || limited.contains(process);
    }
  }

  public record Added(Change change, boolean created) {}

  /** The ZooKeeper client, for the other stores of this package over the same session. */
  CuratorFramework curator() {
    return client;
  }

  JLiveException unavailable(Exception cause) {
    return new JLiveException(
        ErrorCode.STORE_UNAVAILABLE,
        "ZooKeeper did not take the write ("
            + connectionState()
            + "): "
            + cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : ": " + cause.getMessage()),
        "nothing was changed; reads still answer from the last known state. Check the ensemble at "
            + connectString());
  }

  static String path(String... parts) {
    return ROOT + "/" + String.join("/", parts);
  }

  private static String[] relative(String path) {
    if (path.length() <= ROOT.length()) {
      return new String[] {""};
    }
    return path.substring(ROOT.length() + 1).split("/");
  }

  private static Map<String, Object> json(ChildData node) {
    byte[] data = node.getData();
    if (data == null || data.length == 0) {
      return Map.of();
    }
    return Json.parseObject(new String(data, StandardCharsets.UTF_8));
  }

  private static byte[] bytes(Map<String, Object> value) {
    return Json.write(value).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] desiredNode(List<?> active) {
    return desiredNode(active, Map.of());
  }

  private static byte[] desiredNode(List<?> active, Map<String, List<String>> only) {
    return bytes(
        JsonObject.create().put("active", active).putIf(!only.isEmpty(), "only", only).toMap());
  }

  /** The "only" part of a desired node, as a map to edit. */
  private static Map<String, List<String>> onlyOf(Map<String, Object> desired) {
    Map<String, List<String>> only = new LinkedHashMap<>();
    if (desired.get("only") instanceof Map<?, ?> map) {
      map.forEach(
          (id, processes) -> {
            List<String> list = new ArrayList<>();
            if (processes instanceof List<?> items) {
              items.forEach(item -> list.add(String.valueOf(item)));
            }
            only.put(String.valueOf(id), list);
          });
    }
    return only;
  }

  private static byte[] counterNode(long last) {
    return bytes(JsonObject.create().put("last", last).toMap());
  }
}

package dev.jlive.controller.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;

/**
 * The users of tokens read lately, each kept only while a ZooKeeper watch on its token node stands.
 *
 * <p>Every request carries a token, and reading its node from ZooKeeper each time cost every agent
 * heartbeat a round trip through the controller's one ZooKeeper connection (section 31 of
 * BENCHMARKS). A token node is read with this cache as its watcher: ZooKeeper sends the watch event
 * when the node is deleted or rewritten (revoke, rotate) through any controller, and the event
 * drops the entry, so the next request reads ZooKeeper again and is refused. A client sees the
 * event before any later read of the node, so this is as fresh as a read, up to the time the event
 * takes to arrive. Losing the connection (an event without a path) drops everything: a watch may
 * not survive it.
 *
 * <p>An entry is put only if no event came for its node during the read: the read leaves a marker,
 * the event removes it, and the entry replaces that marker only. Not final only so that a test can
 * switch the events off (its negative control).
 */
class TokenCache implements Watcher {
  private final Map<String, Object> byPath = new ConcurrentHashMap<>();

  /** The user of the token node at {@code path}, or null when it is not known here. */
  Principal get(String path) {
    return byPath.get(path) instanceof Principal principal ? principal : null;
  }

  /** Marks a read of {@code path} as begun; give the marker to {@link #done}. */
  Object reading(String path) {
    Object marker = new Object();
    byPath.putIfAbsent(path, marker);
    return marker;
  }

  /**
   * Keeps what the read found (null: no such token, nothing kept), unless the node changed since
   * {@link #reading}.
   */
  void done(String path, Object marker, Principal found) {
    if (found == null) {
      byPath.remove(path, marker);
    } else {
      byPath.replace(path, marker, found);
    }
  }

  /** Forgets the node, e.g. one that this controller just deleted. */
  void forget(String path) {
    byPath.remove(path);
  }

  void clear() {
    byPath.clear();
  }

  @Override
  public void process(WatchedEvent event) {
    if (event.getPath() == null) {
      clear(); // a connection event: the watches may be gone
    } else {
      forget(event.getPath());
    }
  }
}

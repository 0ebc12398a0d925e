package dev.jlive.controller.store;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;

/**
 * Holds the store's mirror listener thread, from the first event it sees until released: what the
 * mirror shows then lags ZooKeeper for as long as a test needs, as it does for a moment on a busy
 * host.
 */
final class MirrorHold implements CuratorCacheListener {
  final CountDownLatch holding = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  @Override
  public void event(Type type, ChildData oldData, ChildData data) {
    holding.countDown();
    try {
      released.await(120, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void release() {
    released.countDown();
  }
}

package dev.jlive.agent.expression;

import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/** The application the checker's tests compile expressions against: each field is a way in. */
final class Shop {
  private int total = 150;
  private int reads;
  final String name = "ann";
  final Order order = new Order(7);
  Account account = new Account();
  final Meter meter = new Meter();
  final Map<String, Integer> prices = new HashMap<>();
  final LinkedHashMap<String, String> recent = new LinkedHashMap<>(16, 0.75f, true);
  final List<String> items = List.of("a", "b");
  final Object key = new Order(1);
  final Future<String> pending = new CompletableFuture<>();
  final Supplier<String> supplier = () -> "x";
  final ThreadLocal<String> local = ThreadLocal.withInitial(() -> "y");
  final Comparator<String> comparator = Comparator.naturalOrder();
  final Optional<String> maybe = Optional.of("z");

  /** Reads only: an application method the checker follows and accepts. */
  int total() {
    return total;
  }

  /** Looks like a getter, but counts its calls. */
  int countedTotal() {
    reads++;
    return total;
  }

  static int twice(int value) {
    return value * 2;
  }

  int reads() {
    return reads;
  }

  /**
   * A value class of the application; its toString, equals, hashCode and compareTo are application
   * code.
   */
  static final class Order implements Comparable<Order> {
    final int id;
    int renders;

    Order(int id) {
      this.id = id;
    }

    @Override
    public String toString() {
      renders++;
      return "Order " + id;
    }

    @Override
    public boolean equals(Object other) {
      renders++;
      return other instanceof Order o && o.id == id;
    }

    @Override
    public int hashCode() {
      renders++;
      return id;
    }

    @Override
    public int compareTo(Order other) {
      renders++;
      return Integer.compare(id, other.id);
    }
  }

  /** Not final: a subclass may override its getter. */
  static class Account {
    private int balance = 10;

    int getBalance() {
      return balance;
    }
  }

  static final class AuditedAccount extends Account {
    int audits;

    @Override
    int getBalance() {
      audits++;
      return super.getBalance();
    }
  }

  /**
   * Final, with a reading getter; its "running" bytes in a test may come from {@link PatchedMeter}.
   */
  static final class Meter {
    int value = 3;

    int value() {
      return value;
    }
  }

  /** What {@link Meter} becomes once patched: the same getter, now writing. */
  static final class PatchedMeter {
    int value = 3;

    int value() {
      return ++value;
    }
  }

  /** A class whose static initialiser has not run. */
  static final class Lazy {
    static int limit = Shop.twice(21);
  }
}

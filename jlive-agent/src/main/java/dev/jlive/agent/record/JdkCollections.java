package dev.jlive.agent.record;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Kryo serializers for the JDK's collections that cannot be rebuilt by adding to an empty one: the
 * immutable ones ({@code List.of}, {@code Set.of}, {@code Map.of}, {@code List.copyOf}), the
 * unmodifiable and synchronized wrappers of {@link Collections} and {@link Arrays#asList}. Kryo's
 * collection serializer makes an empty one and adds to it, which these refuse, and reading their
 * fields needs {@code --add-opens} on the target. Instead each is written through its public
 * interface (its elements, and a sorted one's comparator) and read back by copying the elements
 * into a plain collection and building the same kind with the same factory, so it comes back of the
 * same class and equal. Kryo 5.6's own serializers for the immutable ones are not used: with
 * references on, a second reference to such a collection reads back as the {@code ArrayList} they
 * build it from. (Kryo's defaults handle the empty and singleton collections.)
 */
final class JdkCollections {
  private JdkCollections() {}

  static void register(Kryo kryo) {
    for (Collection<?> sample : List.of(List.of(), List.of(1))) {
      collection(kryo, sample, JdkCollections::listOf);
    }
    for (Collection<?> sample : List.of(Set.of(), Set.of(1))) {
      collection(kryo, sample, copy -> Set.of(copy.toArray()));
    }
    for (Map<?, ?> sample : List.of(Map.of(), Map.of(1, 1))) {
      map(kryo, sample, copy -> Map.copyOf(copy));
    }
    collection(
        kryo,
        Collections.unmodifiableCollection(new ArrayList<>()),
        Collections::unmodifiableCollection);
    collection(
        kryo, Collections.unmodifiableList(new ArrayList<>()), Collections::unmodifiableList);
    collection(
        kryo,
        Collections.unmodifiableList(new LinkedList<>()),
        copy -> Collections.unmodifiableList(new LinkedList<>(copy)));
    collection(
        kryo,
        Collections.unmodifiableSet(new LinkedHashSet<>()),
        copy -> Collections.unmodifiableSet(new LinkedHashSet<>(copy)));
    sorted(
        kryo,
        Collections.unmodifiableSortedSet(new TreeSet<>()),
        Collections::unmodifiableSortedSet);
    sorted(
        kryo,
        Collections.unmodifiableNavigableSet(new TreeSet<>()),
        Collections::unmodifiableNavigableSet);
    collection(
        kryo,
        Collections.synchronizedCollection(new ArrayList<>()),
        Collections::synchronizedCollection);
    collection(
        kryo, Collections.synchronizedList(new ArrayList<>()), Collections::synchronizedList);
    collection(
        kryo,
        Collections.synchronizedList(new LinkedList<>()),
        copy -> Collections.synchronizedList(new LinkedList<>(copy)));
    collection(
        kryo,
        Collections.synchronizedSet(new LinkedHashSet<>()),
        copy -> Collections.synchronizedSet(new LinkedHashSet<>(copy)));
    sorted(
        kryo,
        Collections.synchronizedSortedSet(new TreeSet<>()),
        Collections::synchronizedSortedSet);
    sorted(
        kryo,
        Collections.synchronizedNavigableSet(new TreeSet<>()),
        Collections::synchronizedNavigableSet);
    collection(kryo, Arrays.asList(), copy -> Arrays.asList(copy.toArray()));
    map(kryo, Collections.unmodifiableMap(new LinkedHashMap<>()), Collections::unmodifiableMap);
    sortedMap(
        kryo,
        Collections.unmodifiableSortedMap(new TreeMap<>()),
        Collections::unmodifiableSortedMap);
    sortedMap(
        kryo,
        Collections.unmodifiableNavigableMap(new TreeMap<>()),
        Collections::unmodifiableNavigableMap);
    map(kryo, Collections.synchronizedMap(new LinkedHashMap<>()), Collections::synchronizedMap);
    sortedMap(
        kryo,
        Collections.synchronizedSortedMap(new TreeMap<>()),
        Collections::synchronizedSortedMap);
    sortedMap(
        kryo,
        Collections.synchronizedNavigableMap(new TreeMap<>()),
        Collections::synchronizedNavigableMap);
  }

  /**
   * {@code List.of}, or for one with nulls (made by {@code Stream.toList()}, which allows them) the
   * same again.
   */
  private static List<Object> listOf(ArrayList<Object> elements) {
    return elements.contains(null)
        ? Arrays.stream(elements.toArray()).toList()
        : List.of(elements.toArray());
  }

  /** {@code sample}'s class is rebuilt by {@code wrap} from an ArrayList of its elements. */
  private static void collection(
      Kryo kryo, Collection<?> sample, Function<ArrayList<Object>, Collection<Object>> wrap) {
    kryo.register(sample.getClass(), new Elements((comparator, elements) -> wrap.apply(elements)));
  }

  /** A sorted set: rebuilt from a TreeSet with the same comparator. */
  private static void sorted(
      Kryo kryo, SortedSet<?> sample, Function<TreeSet<Object>, Collection<Object>> wrap) {
    kryo.register(
        sample.getClass(),
        new Elements(
            (comparator, elements) -> {
              TreeSet<Object> copy = new TreeSet<>(comparator);
              copy.addAll(elements);
              return wrap.apply(copy);
            }));
  }

  private static void map(
      Kryo kryo,
      Map<?, ?> sample,
      Function<LinkedHashMap<Object, Object>, Map<Object, Object>> wrap) {
    kryo.register(sample.getClass(), new Entries((comparator, entries) -> wrap.apply(entries)));
  }

  private static void sortedMap(
      Kryo kryo,
      SortedMap<?, ?> sample,
      Function<TreeMap<Object, Object>, Map<Object, Object>> wrap) {
    kryo.register(
        sample.getClass(),
        new Entries(
            (comparator, entries) -> {
              TreeMap<Object, Object> copy = new TreeMap<>(comparator);
              copy.putAll(entries);
              return wrap.apply(copy);
            }));
  }

  /** Rebuilds a wrapper from a sorted one's comparator (else null) and the elements in order. */
  private interface Rebuild<T, R> {
    R from(Comparator<Object> comparator, T contents);
  }

  @SuppressWarnings("unchecked")
  private static Comparator<Object> comparator(Object collection) {
    if (collection instanceof SortedSet<?> set) {
      return (Comparator<Object>) set.comparator();
    }
    if (collection instanceof SortedMap<?, ?> map) {
      return (Comparator<Object>) map.comparator();
    }
    return null;
  }

  private static final class Elements extends Serializer<Collection<Object>> {
    private final Rebuild<ArrayList<Object>, Collection<Object>> rebuild;

    Elements(Rebuild<ArrayList<Object>, Collection<Object>> rebuild) {
      this.rebuild = rebuild;
    }

    @Override
    public void write(Kryo kryo, Output output, Collection<Object> collection) {
      kryo.writeClassAndObject(output, comparator(collection));
      // A synchronized wrapper is iterated under its own lock, as its documentation asks.
      Object[] elements = collection.toArray();
      output.writeVarInt(elements.length, true);
      for (Object element : elements) {
        kryo.writeClassAndObject(output, element);
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    public Collection<Object> read(
        Kryo kryo, Input input, Class<? extends Collection<Object>> type) {
      Comparator<Object> comparator = (Comparator<Object>) kryo.readClassAndObject(input);
      int size = input.readVarInt(true);
      ArrayList<Object> elements = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        elements.add(kryo.readClassAndObject(input));
      }
      return rebuild.from(comparator, elements);
    }
  }

  private static final class Entries extends Serializer<Map<Object, Object>> {
    private final Rebuild<LinkedHashMap<Object, Object>, Map<Object, Object>> rebuild;

    Entries(Rebuild<LinkedHashMap<Object, Object>, Map<Object, Object>> rebuild) {
      this.rebuild = rebuild;
    }

    @Override
    public void write(Kryo kryo, Output output, Map<Object, Object> map) {
      kryo.writeClassAndObject(output, comparator(map));
      // A copy first: a synchronized map is copied under its own lock.
      Map<Object, Object> entries = new LinkedHashMap<>(map);
      output.writeVarInt(entries.size(), true);
      for (Map.Entry<Object, Object> entry : entries.entrySet()) {
        kryo.writeClassAndObject(output, entry.getKey());
        kryo.writeClassAndObject(output, entry.getValue());
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<Object, Object> read(
        Kryo kryo, Input input, Class<? extends Map<Object, Object>> type) {
      Comparator<Object> comparator = (Comparator<Object>) kryo.readClassAndObject(input);
      int size = input.readVarInt(true);
      LinkedHashMap<Object, Object> entries = new LinkedHashMap<>();
      for (int i = 0; i < size; i++) {
        entries.put(kryo.readClassAndObject(input), kryo.readClassAndObject(input));
      }
      return rebuild.from(comparator, entries);
    }
  }
}

package dev.jlive.agent.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JDK's collections that cannot be rebuilt element by element through {@code add} or {@code
 * put} (immutable ones, the unmodifiable and synchronized wrappers, {@code Arrays.asList}) are
 * copied when a call is recorded and read back equal, of the same kind, when it is replayed.
 */
class CallCodecTest {
  static Stream<Object> shapes() {
    List<String> list = new ArrayList<>(List.of("a", "b", "c"));
    Map<String, Integer> map = new HashMap<>(Map.of("a", 1, "b", 2));
    Set<String> set = new LinkedHashSet<>(List.of("x", "y"));
    return Stream.of(
        List.of(),
        List.of("a"),
        List.of("a", "b", "c"),
        Set.of(),
        Set.of("x"),
        Set.of("x", "y", "z"),
        Map.of(),
        Map.of("a", 1),
        Map.of("a", 1, "b", 2, "c", 3),
        List.copyOf(list),
        Collections.unmodifiableList(list),
        Collections.unmodifiableList(new LinkedList<>(list)),
        Collections.unmodifiableCollection(list),
        Collections.unmodifiableSet(set),
        Collections.unmodifiableSortedSet(new TreeSet<>(set)),
        Collections.unmodifiableMap(map),
        Collections.unmodifiableSortedMap(new TreeMap<>(map)),
        Collections.synchronizedList(list),
        Collections.synchronizedSet(set),
        Collections.synchronizedMap(map),
        Collections.emptyList(),
        Collections.emptySet(),
        Collections.emptyMap(),
        Collections.singletonList("a"),
        Collections.singleton("a"),
        Collections.singletonMap("a", 1),
        Arrays.asList("a", "b"),
        Stream.of("a", null).toList());
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void aJdkCollectionIsReadBackEqualAndOfTheSameClass(Object value) throws Exception {
    CallCodec codec = new CallCodec(getClass().getClassLoader(), 8, 64 * 1024);

    Object[] read =
        CallCodec.read(codec.write(null, new Object[] {value}, value), getClass().getClassLoader());

    Object argument = ((Object[]) read[1])[0];
    assertThat(argument).hasSameClassAs(value).satisfies(same(value));
    assertThat(read[2]).as("a second reference to it").isSameAs(argument);
  }

  /** Equal; for an unmodifiable collection (which keeps Object's equals), the same elements. */
  private static Consumer<Object> same(Object value) {
    return read -> {
      if (value.getClass().getName().equals("java.util.Collections$UnmodifiableCollection")) {
        assertThat(List.copyOf((Collection<?>) read)).isEqualTo(List.copyOf((Collection<?>) value));
      } else {
        assertThat(read).isEqualTo(value);
      }
    };
  }
}

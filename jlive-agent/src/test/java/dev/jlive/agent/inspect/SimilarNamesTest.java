package dev.jlive.agent.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SimilarNamesTest {

  @ParameterizedTest(name = "''{0}'' to ''{1}'' is {2}")
  @CsvSource({
    "'',         '',          0",
    "'',         abc,         3",
    "abc,        '',          3",
    "cart,       cart,        0",
    "cart,       cat,         1",
    "cart,       carts,       1",
    "cart,       kart,        1",
    "cart,       tarc,        2",
    "kitten,     sitting,     3",
    "flaw,       lawn,        2",
    "saturday,   sunday,      3",
    "pricecache, pricingcache, 3",
    "abc,        xyz,         3",
  })
  void isTheLevenshteinDistance(String a, String b, int expected) {
    assertThat(SimilarNames.distance(a, b)).isEqualTo(expected);
    assertThat(SimilarNames.distance(b, a)).as("symmetric").isEqualTo(expected);
  }
}

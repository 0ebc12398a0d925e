package dev.jlive.demo.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PathPatternTest {

  private final PathPattern items = PathPattern.of("/carts/{id}/items");

  @Test
  void capturesPlaceholders() {
    assertThat(items.match("/carts/c7/items")).contains(List.of("c7"));
    assertThat(items.match("/carts/c7/items/")).contains(List.of("c7"));
  }

  @Test
  void rejectsOtherPaths() {
    assertThat(items.match("/carts/c7")).isEmpty();
    assertThat(items.match("/carts/c7/checkout")).isEmpty();
    assertThat(items.match("/orders/c7/items")).isEmpty();
    assertThat(PathPattern.of("/products").match("/")).isEmpty();
  }
}

package dev.jlive.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {

  @Test
  void controlCharactersBecomeVisibleEscapes() {
    assertThat(Printable.escape("eve\nINFO by admin\u001b[2K\radmin\t\u0000\u007f\u009b"))
        .isEqualTo("eve\\nINFO by admin\\u001b[2K\\radmin\\t\\u0000\\u007f\\u009b");
  }

  @Test
  void plainTextIsReturnedAsItIs() {
    String name = "Zoë O'Brien <zoe@example.com>";
    assertThat(Printable.escape(name)).isSameAs(name);
    assertThat(Printable.escape(null)).isNull();
  }
}

package dev.jlive.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.probe.ProbeSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values are cut at capture, and every cut says how much was left out. */
class ValueRendererTest {

  @Test
  void aLargeStringIsCutAtCaptureAndMarked() {
    String large = "x".repeat(1 << 20);
    String text = ValueRenderer.text(large);
    assertThat(text)
        .hasSizeLessThan(ValueRenderer.MAX_STRING + 40)
        .isEqualTo(
            "\""
                + "x".repeat(ValueRenderer.MAX_STRING)
                + "\u2026(+"
                + ((1 << 20) - ValueRenderer.MAX_STRING)
                + " chars)\"");
    assertThat(ValueRenderer.tree(new StringBuilder(large)))
        .asString()
        .endsWith("\u2026(+1048376 chars)");
  }

  @Test
  void aHugeNumberIsCutLikeAString() {
    BigInteger huge = BigInteger.TEN.pow(5_000);
    assertThat(ValueRenderer.text(huge)).startsWith("1000").endsWith("\u2026(+4801 chars)");
    assertThat(ValueRenderer.tree(42L)).isEqualTo(42L);
  }

  @Test
  void collectionsArraysAndMapsAreCutAndMarked() {
    List<Integer> many = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      many.add(i);
    }
    assertThat(ValueRenderer.text(many)).endsWith("9, \"\u2026(+15 elements)\"]");
    assertThat(ValueRenderer.text(new int[100])).endsWith("0, \"\u2026(+90 elements)\"]");
  }

  /** Forty fields, each a large string: the sum of all cuts is itself bounded. */
  static final class Wide {
    final String a0 = "a".repeat(10_000),
        a1 = a0,
        a2 = a0,
        a3 = a0,
        a4 = a0,
        a5 = a0,
        a6 = a0,
        a7 = a0,
        a8 = a0,
        a9 = a0;
    final String b0 = a0,
        b1 = a0,
        b2 = a0,
        b3 = a0,
        b4 = a0,
        b5 = a0,
        b6 = a0,
        b7 = a0,
        b8 = a0,
        b9 = a0;
    final String c0 = a0,
        c1 = a0,
        c2 = a0,
        c3 = a0,
        c4 = a0,
        c5 = a0,
        c6 = a0,
        c7 = a0,
        c8 = a0,
        c9 = a0;
    final String d0 = a0,
        d1 = a0,
        d2 = a0,
        d3 = a0,
        d4 = a0,
        d5 = a0,
        d6 = a0,
        d7 = a0,
        d8 = a0,
        d9 = a0;
  }

  @Test
  void aWideObjectIsCutByFieldsAndByTheWholeRenderingsBound() {
    Map<String, Object> fields = ValueRenderer.fields(new Wide());
    assertThat(fields).containsEntry("\u2026", "+" + (40 - ValueRenderer.MAX_FIELDS) + " fields");
    long chars = fields.values().stream().mapToLong(value -> String.valueOf(value).length()).sum();
    assertThat(chars).isLessThan(ValueRenderer.MAX_RENDERED_CHARS + 2_000);
    assertThat(fields.values())
        .anyMatch(value -> String.valueOf(value).contains("output bound of 4096 chars reached"));
  }

  @Test
  void aCaptureSharesOneBudgetAcrossItsValuesAndKeepsToItsDepth() {
    ValueRenderer.Capture capture = new ValueRenderer.Capture(1, 300);
    Object first = capture.tree("x".repeat(250));
    Object second = capture.tree("y".repeat(250));
    Object third = capture.tree(List.of("z"));

    assertThat((String) first).hasSize(200 + "\u2026(+50 chars)".length());
    assertThat((String) second).startsWith("y".repeat(100) + "\u2026(+150 chars)");
    assertThat(third).isEqualTo("\u2026(output bound of 300 chars reached)");
    assertThat(capture.line("frame")).isNull();

    ValueRenderer.Capture shallow = new ValueRenderer.Capture(0, 10_000);
    assertThat(shallow.fields(new Wide()))
        .containsEntry("@type", Wide.class.getName())
        .containsEntry("\u2026", "depth 0")
        .hasSize(2);
    assertThat(shallow.tree(List.of(1, 2)))
        .isEqualTo("<" + List.of(1, 2).getClass().getName() + ">");
  }

  @Test
  void aThrowableRendersAsTypeAndMessageWithItsCauses() {
    Exception thrown =
        new IllegalStateException(
            "order 42 is closed", new UncheckedIOException("disk", new IOException("full")));
    assertThat(ValueRenderer.text(thrown))
        .isEqualTo(
            "java.lang.IllegalStateException: order 42 is closed; caused by "
                + "java.io.UncheckedIOException: disk; caused by java.io.IOException: full");
    assertThat(ValueRenderer.text(new NullPointerException()))
        .isEqualTo("java.lang.NullPointerException");
  }

  @Test
  void theThrownPlaceholderRendersTypeAndMessageNotFields() {
    Template template = Template.parse("failed: {thrown}", List.of("x"), "work", null);
    ProbeCall call =
        new ProbeCall(
            null,
            new Object[] {1},
            null,
            new IllegalArgumentException("no such order: 42"),
            0L,
            ProbeSpec.Point.EXCEPTION);
    assertThat(template.render(call))
        .isEqualTo("failed: java.lang.IllegalArgumentException: no such order: 42");
  }

  @Test
  void aLongOrCyclicCauseChainIsBounded() {
    Exception first = new Exception("0");
    Exception last = first;
    for (int i = 1; i < 10; i++) {
      Exception next = new Exception(Integer.toString(i));
      last.initCause(next);
      last = next;
    }
    assertThat(ValueRenderer.throwable(first))
        .isEqualTo(
            "java.lang.Exception: 0; caused by java.lang.Exception: 1; "
                + "caused by java.lang.Exception: 2; caused by java.lang.Exception: 3; caused by \u2026");

    Exception a = new Exception("a");
    Exception b = new Exception("b", a);
    a.initCause(b);
    assertThat(ValueRenderer.throwable(a))
        .isEqualTo("java.lang.Exception: a; caused by java.lang.Exception: b");
  }
}

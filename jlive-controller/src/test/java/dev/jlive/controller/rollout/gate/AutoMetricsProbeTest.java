package dev.jlive.controller.rollout.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.probe.ProbeSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 13: the automatic probe names the methods a patch declares, read without a compiler. */
class AutoMetricsProbeTest {

  private static Change patch(PatchRequest request) {
    return Change.create(
        4, "shop", ChangeKind.PATCH, "fix", request.toJson(), Map.of(), "ana", "now", List.of());
  }

  private static String selectorOfSources(String... codes) {
    List<PatchRequest.Source> sources =
        java.util.stream.IntStream.range(0, codes.length)
            .mapToObj(i -> new PatchRequest.Source("S" + i + ".java", codes[i]))
            .toList();
    return AutoMetricsProbe.specFor(patch(PatchRequest.ofSources(sources).build()))
        .selector()
        .toString();
  }

  @Test
  void theDemosPricingFixProbesEveryMethodOfPricing() throws IOException {
    String pricing =
        Files.readString(Path.of("../jlive-demo/src/main/java/dev/jlive/demo/shop/Pricing.java"));
    assertThat(SourceTypes.of(pricing))
        .containsExactly(
            new SourceTypes.Type(
                "dev.jlive.demo.shop.Pricing", Set.of("<init>", "discountedPrice", "listPrice")));

    ProbeSpec spec =
        AutoMetricsProbe.specFor(
            patch(
                PatchRequest.ofSources(List.of(new PatchRequest.Source("Pricing.java", pricing)))
                    .build()));

    assertThat(spec.selector().toString()).isEqualTo("dev.jlive.demo.shop.Pricing#*");
    assertThat(spec.kind()).isEqualTo(ProbeSpec.Kind.METRICS);
    // Every call timed, so latency gates rest on every call; no hit limit; alive for the rollout.
    assertThat(spec.timeOneIn()).isEqualTo(1);
    assertThat(spec.maxHits()).isZero();
    assertThat(spec.waitForClass()).isTrue();
    assertThat(ProbeSpec.fromJson(spec.toJson())).isEqualTo(spec);
  }

  @Test
  void aOneMethodPatchProbesThatMethod() {
    PatchRequest request =
        PatchRequest.ofMethod(
                "dev.jlive.demo.shop.Pricing#discountedPrice(long,int)", "{ return 0; }")
            .build();
    assertThat(AutoMetricsProbe.specFor(patch(request)).selector().toString())
        .isEqualTo("dev.jlive.demo.shop.Pricing#discountedPrice(long,int)");
  }

  @Test
  void commentsStringsAndTextBlocksDoNotDeclareAnything() {
    String code =
        """
        /* package com.fake; class Fake { void no() {} } */
        package com.acme.shop; // class Nope {
        import java.util.List;

        @Deprecated(since = "class X {")
        public class Checkout {
          static final String TRAP = "class Trap { void trap() {} } {";
          static final char BRACE = '{';
          static final String BLOCK = \"""
              class InBlock { void m() {} }
              \""";
          private final Runnable task = () -> helper(1);
          private final Object anonymous = new Object() { @Override public String toString() { return ""; } };

          Checkout() {}

          @SuppressWarnings("unchecked")
          public <T extends Comparable<T>> List<T> total(List<T> lines) throws Exception {
            class Local { void inside() {} }
            if (lines.isEmpty()) { return lines; }
            return lines;
          }

          int[] counts() { return new int[] {1}; }

          static int helper(int x) { return x; }

          enum State { OPEN("o"), PAID("p") { @Override String code() { return "P"; } };
            private final String code;
            State(String code) { this.code = code; }
            String code() { return code; }
          }

          record Line(String sku, int quantity) {
            Line { if (quantity < 0) throw new IllegalArgumentException(); }
            int doubled() { return quantity * 2; }
          }

          interface Rule { long apply(long cents); default long twice(long c) { return apply(apply(c)); } }
        }
        """;
    assertThat(SourceTypes.of(code))
        .containsExactly(
            new SourceTypes.Type(
                "com.acme.shop.Checkout", Set.of("<init>", "total", "counts", "helper")),
            new SourceTypes.Type("com.acme.shop.Checkout$State", Set.of("<init>", "code")),
            new SourceTypes.Type("com.acme.shop.Checkout$Line", Set.of("doubled")),
            new SourceTypes.Type("com.acme.shop.Checkout$Rule", Set.of("apply", "twice")));
    // One class and its nested ones: their common prefix, every method.
    assertThat(selectorOfSources(code)).isEqualTo("com.acme.shop.Checkout*#*");
  }

  @Test
  void oneMethodDeclaredIsProbedByName() {
    assertThat(
            selectorOfSources(
                "package com.acme; public class Cart { public long total() { return 1; } }"))
        .isEqualTo("com.acme.Cart#total");
  }

  @Test
  void severalClassesShareTheNarrowestPattern() {
    assertThat(
            selectorOfSources(
                "package com.acme.shop; class CartLine { void a() {} }",
                "package com.acme.shop; class CartTotal { void b() {} }"))
        .isEqualTo("com.acme.shop.Cart*#*");
    assertThat(
            selectorOfSources(
                "package com.acme.shop; class Cart { void a() {} }",
                "package com.acme.shop; class Order { void a() {} }"))
        .isEqualTo("com.acme.shop.*#a");
    assertThat(
            selectorOfSources(
                "package com.acme.shop; class Cart { void a() {} }",
                "package com.acme.billing.tax; class Vat { void b() {} }"))
        .isEqualTo("com.acme..*#*");
    // Nothing in common: the first class only, as the documentation says.
    assertThat(
            selectorOfSources(
                "package com.acme; class Cart { void a() {} }",
                "package org.other; class Vat { void b() {} }"))
        .isEqualTo("com.acme.Cart#a");
  }

  @Test
  void classFilesAreReadFromTheirConstantPool() throws IOException {
    byte[] bytes;
    try (InputStream in = Gate.class.getResourceAsStream("Gate.class")) {
      bytes = in.readAllBytes();
    }
    SourceTypes.Type type = ClassFileNames.read(bytes);
    assertThat(type.binaryName()).isEqualTo("dev.jlive.controller.rollout.gate.Gate");
    assertThat(type.methods())
        .contains("parse", "text", "readsControl", "probeIds", "evaluate", "<init>")
        .noneMatch(name -> name.startsWith("lambda$") || name.equals("<clinit>"));

    byte[] nested;
    try (InputStream in = Gate.class.getResourceAsStream("Gate$Comparison.class")) {
      nested = in.readAllBytes();
    }
    PatchRequest request = PatchRequest.ofClassFiles(List.of(bytes, nested)).build();
    assertThat(AutoMetricsProbe.specFor(patch(request)).selector().toString())
        .isEqualTo("dev.jlive.controller.rollout.gate.Gate*#*");

    JLiveException e =
        catchThrowableOfType(
            JLiveException.class, () -> ClassFileNames.read(new byte[] {1, 2, 3, 4, 5}));
    assertThat(e.getMessage())
        .isEqualTo("a class file of the patch cannot be read: it does not start with 0xCAFEBABE");
    byte[] cut = java.util.Arrays.copyOf(bytes, 40);
    assertThat(
            catchThrowableOfType(JLiveException.class, () -> ClassFileNames.read(cut)).getMessage())
        .startsWith("a class file of the patch cannot be read: it ends early");
  }

  @Test
  void aProbeChangeGetsNoAutomaticProbe() {
    Change probe =
        Change.create(
            5,
            "shop",
            ChangeKind.PROBE,
            "p",
            Map.of("selector", "a.B#c", "kind", "metrics"),
            Map.of(),
            "ana",
            "now",
            List.of());
    assertThat(
            catchThrowableOfType(JLiveException.class, () -> AutoMetricsProbe.specFor(probe))
                .getMessage())
        .isEqualTo("change c5 is not a patch with its spec; only patches get an automatic probe");
  }
}

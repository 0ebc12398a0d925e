package dev.jlive.agent.purity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The side-effect check on real compiled classes ({@link Shelf}). Every refusal's control is a
 * method that differs only in what the rule is about and passes.
 */
class SideEffectCheckTest {
  /** The test's own classes, as if loaded in a JVM: subtypes among the fixture's classes. */
  private final LoadedCode code =
      new LoadedCode() {
        @Override
        public Class<?> find(String internalName, ClassLoader context) {
          try {
            return Class.forName(
                internalName.replace('/', '.'), false, Shelf.class.getClassLoader());
          } catch (ClassNotFoundException e) {
            return null;
          }
        }

        @Override
        public byte[] runningBytes(Class<?> type) {
          return classFile(type);
        }

        @Override
        public List<Class<?>> subtypes(Class<?> type) {
          List<Class<?>> found = new ArrayList<>();
          for (Class<?> each : Shelf.class.getDeclaredClasses()) {
            if (each != type && type.isAssignableFrom(each)) {
              found.add(each);
            }
          }
          return found;
        }
      };

  static byte[] classFile(Class<?> type) {
    String resource = "/" + type.getName().replace('.', '/') + ".class";
    try (InputStream in = type.getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Verdict check(String name, String descriptor) {
    return SideEffectCheck.of(code).check(Shelf.class, name, descriptor);
  }

  private static List<String> texts(Verdict verdict) {
    return verdict.findings().stream().map(Finding::describe).toList();
  }

  @Test
  void arithmeticIsRepeatable() {
    Verdict verdict = check("price", "(JI)J");
    assertThat(verdict.repeatable()).as(verdict.describe()).isTrue();
    assertThat(verdict.method()).isEqualTo(Shelf.class.getName() + ".price(long, int)");
  }

  @Test
  void buildingARecordIsRepeatable() {
    Verdict verdict = check("priced", "(JI)Ldev/jlive/agent/purity/Shelf$Priced;");
    assertThat(verdict.repeatable()).as(verdict.describe()).isTrue();
  }

  @Test
  void aFieldWriteIsNamedWithItsLine() {
    Verdict verdict = check("addToTotal", "(J)V");
    assertThat(verdict.repeatable()).isFalse();
    assertThat(texts(verdict)).containsExactly("writes field Shelf.total at Shelf.java:22");
  }

  @Test
  void aLockIsNamed() {
    assertThat(texts(check("lockedTotal", "()J")))
        .containsExactly("takes the lock of Shelf.lock at Shelf.java:26");
    assertThat(texts(check("synchronizedTotal", "()J")))
        .containsExactly("takes the lock of this (a synchronized method) at Shelf.java:32");
  }

  @Test
  void ioIsNamed() {
    assertThat(texts(check("audit", "(Ljava/lang/String;)V")))
        .contains(
            "calls java.io.FileOutputStream.<init> (I/O) at Shelf.java:36",
            "calls java.io.FileOutputStream.write (I/O) at Shelf.java:37");
  }

  @Test
  void whatTheCallMadeItMayChange() {
    Verdict squares = check("squares", "(I)[I");
    assertThat(squares.repeatable()).as(squares.describe()).isTrue();
    Verdict boxed = check("boxed", "(I)Ldev/jlive/agent/purity/Shelf$Box;");
    assertThat(boxed.repeatable()).as(boxed.describe()).isTrue();
    // Control: the same kind of write into an array that existed before the call.
    assertThat(texts(check("bump", "()V")))
        .containsExactly("writes an element of the array Shelf.counts at Shelf.java:73");
  }

  @Test
  void theJdkListIsHonoured() {
    Verdict label = check("label", "(I)Ljava/lang/String;");
    assertThat(label.repeatable()).as(label.describe()).isTrue();
    assertThat(texts(check("unknownJdk", "(Ljava/util/Random;)Ljava/lang/String;")))
        .singleElement()
        .asString()
        .startsWith("calls java.util.Random.nextInt (not on jlive's list");
  }

  @Test
  void aTransitiveWriteIsFoundWithItsPath() {
    Verdict verdict = check("priceAndCount", "(JI)J");
    assertThat(verdict.repeatable()).isFalse();
    Finding finding = verdict.findings().get(0);
    assertThat(finding.what()).isEqualTo("writes static field Shelf.hits");
    assertThat(finding.via()).containsExactly("Shelf.count() called at Shelf.java:64");
    assertThat(finding.describe())
        .isEqualTo(
            "writes static field Shelf.hits at Shelf.java:69 (reached through Shelf.count() called"
                + " at Shelf.java:64)");
  }

  @Test
  void anInterfaceCallIsFollowedIntoEveryLoadedImplementation() {
    Verdict verdict = check("viaInterface", "(Ldev/jlive/agent/purity/Shelf$Measure;)I");
    assertThat(texts(verdict))
        .singleElement()
        .asString()
        .startsWith("writes field Shelf$Counting.calls at Shelf.java:")
        .contains("Shelf$Counting.size() called at Shelf.java:81");
  }

  @Test
  void recursionEnds() {
    Verdict verdict = check("deep", "(I)I");
    assertThat(verdict.repeatable()).as(verdict.describe()).isTrue();
  }

  @Test
  void aCandidateIsCheckedOnItsOwnBytes() {
    // The candidate's fill(I)V writes a field of this: called on a box the call made (boxed) it
    // passes; as the method checked, this existed before the call.
    byte[] candidate = classFile(Shelf.Box.class);
    Verdict verdict = SideEffectCheck.of(code).check(candidate, Shelf.Box.class, "fill", "(I)V");
    assertThat(texts(verdict)).containsExactly("writes field Shelf$Box.value at Shelf.java:92");
  }

  @Test
  void anUnknownMethodIsAClearError() {
    assertThatThrownBy(() -> check("nothing", "()V"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("declares no method nothing()V")
        .hasMessageContaining("jlive methods");
  }
}

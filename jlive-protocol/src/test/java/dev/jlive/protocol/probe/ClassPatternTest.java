package dev.jlive.protocol.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ClassPatternTest {

  @ParameterizedTest(name = "{0} ~ {1} is {2}")
  @CsvSource({
    // A name without wildcards is that class only.
    "com.acme.Cart,        com.acme.Cart,             true",
    "com.acme.Cart,        com.acme.CartX,            false",
    "com.acme.Cart,        com.acme.Cart$Line,        false",
    "com.acme.Cart,        xcom.acme.Cart,            false",
    "com.acme.Cart$Line,   com.acme.Cart$Line,        true",
    // * stays within one segment; a nested class is one segment.
    "com.acme.*,           com.acme.Cart,             true",
    "com.acme.*,           com.acme.Cart$Line,        true",
    "com.acme.*,           com.acme.sub.X,            false",
    "com.acme.*,           com.acme,                  false",
    "com.acme.*,           com.acmex.Cart,            false",
    // .. spans any number of packages, none included.
    "com.acme..*,          com.acme.Cart,             true",
    "com.acme..*,          com.acme.sub.X,            true",
    "com.acme..*,          com.acme.sub.deeper.X$Y,   true",
    "com.acme..*,          com.acme,                  false",
    "com.acme..*,          com.acmex.Cart,            false",
    "com..Cart,            com.Cart,                  true",
    "com..Cart,            com.acme.sub.Cart,         true",
    "com..Cart,            com.acme.ShoppingCart,     false",
    // * inside a name.
    "*Service,             OrderService,              true",
    "*Service,             Service,                   true",
    "*Service,             com.acme.OrderService,     false",
    "com.acme.*Service,    com.acme.OrderService,     true",
    "com.acme.*Service,    com.acme.Service,          true",
    "com.acme.*Service,    com.acme.sub.OrderService, false",
    "com.acme.*Service,    com.acme.ServiceImpl,      false",
    "com.acme.Order*,      com.acme.OrderService,     true",
    // A leading .. is any package, the unnamed one included.
    "..*Cart,              Cart,                      true",
    "..*Cart,              com.acme.Cart,             true",
    "..*Cart,              com.acme.sub.ShoppingCart, true",
    "..*Cart,              com.acme.CartLine,         false",
    "..*Cart,              com.acme.Cart$Line,        false",
  })
  void matches(String pattern, String className, boolean expected) {
    assertThat(ClassPattern.parse(pattern).matches(className)).isEqualTo(expected);
  }

  @Test
  void onlyANameWithoutWildcardsIsExact() {
    assertThat(ClassPattern.parse("com.acme.Cart").isExact()).isTrue();
    assertThat(ClassPattern.parse("com.acme.Cart$Line").isExact()).isTrue();
    assertThat(ClassPattern.parse("com.acme.*").isExact()).isFalse();
    assertThat(ClassPattern.parse("com..Cart").isExact()).isFalse();
  }

  @Test
  void surroundingWhitespaceIsIgnored() {
    ClassPattern pattern = ClassPattern.parse("  com.acme.*\t");

    assertThat(pattern.toString()).isEqualTo("com.acme.*");
    assertThat(pattern.matches("com.acme.Cart")).isTrue();
  }

  @ParameterizedTest(name = "[{index}] ''{0}''")
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "   ",
        "com...acme",
        "com.acme.",
        "com.acme..",
        "..",
        ".Cart",
        "com/acme",
        "com/acme/Cart",
        "com.acme.Cart[]",
        "com acme",
        "com.acme.?",
        "com.(acme|evil).*"
      })
  void rejectsWhatIsNotAPatternExplainingTheSyntax(String text) {
    JLiveException e = catchThrowableOfType(JLiveException.class, () -> ClassPattern.parse(text));

    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.getMessage()).isEqualTo("'" + text + "' is not a class name pattern");
    assertThat(e.hint()).contains("com.acme.Cart", "com.acme.*Service", "com.acme..*");
  }

  @Test
  void aPatternOfManyStarsIsRefusedAtOnce() {
    // Refused by counting, before any matching: no timed assertion here (the machine is shared),
    // the cap is the guarantee.
    JLiveException e =
        catchThrowableOfType(JLiveException.class, () -> ClassPattern.parse("*".repeat(200)));

    assertThat(e.getMessage())
        .isEqualTo("the class name pattern has 200 wildcards (* and ..); at most 16 are allowed");
    assertThat(
            catchThrowableOfType(JLiveException.class, () -> ClassPattern.parse("a".repeat(513)))
                .getMessage())
        .contains("513 characters; at most 512");
  }

  @Test
  void theWorstPatternAllowedMatchesInLinearTime() {
    // Sixteen wildcards against a long name of the same letter: a backtracking regex ([^.]*a){15}
    // tries every split of the name (about 10^25 of them here); the automaton reads it once.
    ClassPattern worst = ClassPattern.parse("*a".repeat(15) + "*b");
    String name = "a".repeat(5_000);

    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> {
          for (int i = 0; i < 20; i++) {
            assertThat(worst.matches(name)).isFalse();
            assertThat(worst.matches(name + "b")).isTrue();
          }
        });
  }

  @Test
  void spansAndStarsAgreeWithTheRegexTheyReplace() {
    // The old translation, as a reference on names short enough not to backtrack for long.
    String[] patterns = {
      "com..*",
      "..*Cart",
      "com.*.Cart",
      "com..x..*Service",
      "*",
      "*.*",
      "..*",
      "a*b*c",
      "com.acme.*$*"
    };
    String[] names = {
      "com.Cart",
      "com.acme.Cart",
      "com.x.y.Cart",
      "Cart",
      "ShopCart",
      "com.x.a.x.b.OrderService",
      "abc",
      "aXbYc",
      "com.acme.Outer$Inner",
      "com",
      "x.y",
      "com.acme.Cart$",
      ".",
      ""
    };
    for (String pattern : patterns) {
      Pattern regex = oldRegex(pattern);
      for (String name : names) {
        assertThat(ClassPattern.parse(pattern).matches(name))
            .as("%s ~ %s", pattern, name)
            .isEqualTo(regex.matcher(name).matches());
      }
    }
  }

  private static Pattern oldRegex(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (pattern.startsWith("..", i)) {
        regex.append(i == 0 ? "(?:.*\\.)?" : "\\.(?:.*\\.)?");
        i++;
      } else if (c == '*') {
        regex.append("[^.]*");
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }
}

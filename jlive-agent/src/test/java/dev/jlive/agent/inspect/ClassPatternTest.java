package dev.jlive.agent.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
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
  @ValueSource(strings = {"   ", "com...acme", "com.acme.", "com.acme..", "..", ".Cart", "com/acme", "com/acme/Cart",
      "com.acme.Cart[]", "com acme", "com.acme.?", "com.(acme|evil).*"})
  void rejectsWhatIsNotAPatternExplainingTheSyntax(String text) {
    JLiveException e = catchThrowableOfType(JLiveException.class, () -> ClassPattern.parse(text));

    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.getMessage()).isEqualTo("'" + text + "' is not a class name pattern");
    assertThat(e.hint()).contains("com.acme.Cart", "com.acme.*Service", "com.acme..*");
  }
}

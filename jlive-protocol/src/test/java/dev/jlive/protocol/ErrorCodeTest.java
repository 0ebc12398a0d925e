package dev.jlive.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ErrorCodeTest {

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void everyCodeIsFoundByItsName(ErrorCode code) {
    assertThat(ErrorCode.fromName(code.name())).isSameAs(code);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "NO_SUCH_CODE", "bad_request", " BAD_REQUEST"})
  void aNameThisVersionDoesNotKnowIsAnInternalError(String name) {
    assertThat(ErrorCode.fromName(name)).isSameAs(ErrorCode.INTERNAL_ERROR);
  }

  @Test
  void codesCarryTheirHttpStatus() {
    assertThat(ErrorCode.BAD_REQUEST.httpStatus()).isEqualTo(400);
    assertThat(ErrorCode.UNAUTHORIZED.httpStatus()).isEqualTo(401);
    assertThat(ErrorCode.CLASS_NOT_FOUND.httpStatus()).isEqualTo(404);
    assertThat(ErrorCode.INTERNAL_ERROR.httpStatus()).isEqualTo(500);
  }
}

package dev.jlive.agent.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.protocol.JLiveException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The record file's layout: what is written is read back, and a file of format 1 is refused. */
class RecordFileTest {
  private static final RecordHeader HEADER =
      new RecordHeader(
          "com.acme.Pricing", "price", "(JI)J", false, "ab", "1.0", "jvm", 1L, "Pricing#price");

  @Test
  void keptAndCutCallsAreReadBack() {
    RecordFile file =
        new RecordFile(
            HEADER,
            List.of(
                new RecordedCall(null, "", null, null, new byte[] {1, 2, 3}),
                new RecordedCall(
                    "more than 256 bytes", "[7, 10]", "java.lang.X", "boom", new byte[0])));

    RecordFile read = RecordFile.read(file.toBytes(), "calls.jlrec");

    assertThat(read.header()).isEqualTo(HEADER);
    assertThat(read.calls().get(0).graph()).containsExactly(1, 2, 3);
    assertThat(read.calls().get(0).cut()).isNull();
    assertThat(read.calls().get(1).cut()).isEqualTo("more than 256 bytes");
    assertThat(read.calls().get(1).arguments()).isEqualTo("[7, 10]");
    assertThat(read.calls().get(1).outcome(null)).isEqualTo("threw java.lang.X: boom");
  }

  @Test
  void aFileOfTheFirstFormatIsRefusedByName() {
    byte[] bytes = new RecordFile(HEADER, List.of()).toBytes();
    ByteBuffer.wrap(bytes).putShort(RecordFile.MAGIC.length, (short) 1);

    assertThatThrownBy(() -> RecordFile.read(bytes, "old.jlrec"))
        .isInstanceOf(JLiveException.class)
        .hasMessageContaining(
            "old.jlrec was recorded by an older jlive (format 1); record it again");
  }
}

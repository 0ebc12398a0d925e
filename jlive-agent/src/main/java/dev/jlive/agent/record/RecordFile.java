package dev.jlive.agent.record;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A record file: the calls of one method, as {@code jlive record} wrote them and {@code jlive
 * replay} reads them (docs/ARCHITECTURE.md, "Record files", describes the layout).
 *
 * <pre>
 *   "JLIVEREC"            8 bytes, the magic
 *   version               u2, {@link #VERSION}
 *   header                modified UTF-8 JSON ({@link RecordHeader}); unknown fields are ignored
 *   count                 s4
 *   count times a call:   kind u1 (0 kept, 1 cut); for a cut call its reason (UTF) and
 *                         arguments (UTF); threw u1, and when it threw its type (UTF),
 *                         has-message u1 and message (UTF); for a kept call the length (s4) and
 *                         bytes of its Kryo graph ({@link CallCodec})
 * </pre>
 */
record RecordFile(RecordHeader header, List<RecordedCall> calls) {
  static final byte[] MAGIC = "JLIVEREC".getBytes(StandardCharsets.US_ASCII);

  /** 2: a kept call no longer carries its renderings (the replay makes them from its graph). */
  static final int VERSION = 2;

  /** Text fields are cut to this (the modified UTF-8 of writeUTF holds at most 64 KB). */
  private static final int MAX_TEXT = 8_000;

  byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeShort(VERSION);
      out.writeUTF(Json.write(header.toJson()));
      out.writeInt(calls.size());
      for (RecordedCall call : calls) {
        out.writeByte(call.cut() == null ? 0 : 1);
        if (call.cut() != null) {
          out.writeUTF(text(call.cut()));
          out.writeUTF(text(call.arguments()));
        }
        out.writeBoolean(call.threw());
        if (call.threw()) {
          out.writeUTF(text(call.thrownType()));
          out.writeBoolean(call.thrownMessage() != null);
          if (call.thrownMessage() != null) {
            out.writeUTF(text(call.thrownMessage()));
          }
        }
        if (call.cut() == null) {
          out.writeInt(call.graph().length);
          out.write(call.graph());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static String text(String value) {
    return value.length() <= MAX_TEXT ? value : value.substring(0, MAX_TEXT) + "\u2026";
  }

  /**
   * Reads a record file.
   *
   * @param name how to name the file in an error
   * @throws JLiveException when it is not a record file, of another version, or damaged
   */
  static RecordFile read(byte[] bytes, String name) {
    if (bytes.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          name + " is not a jlive record file (it does not start with JLIVEREC)",
          "give a file written by `jlive record PID 'Class#method' -o FILE`");
    }
    int call = -1;
    int count = 0;
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      in.readFully(new byte[MAGIC.length]);
      int version = in.readUnsignedShort();
      if (version < VERSION) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            name + " was recorded by an older jlive (format " + version + "); record it again",
            "with this jlive: `jlive record PID 'Class#method' -o FILE`");
      }
      if (version != VERSION) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            name
                + " is a record file of format version "
                + version
                + ", and this jlive reads version "
                + VERSION,
            "replay it with the jlive version that recorded it, or record it again with this one");
      }
      RecordHeader header = RecordHeader.fromJson(Json.parse(in.readUTF()));
      count = in.readInt();
      if (count < 0) {
        throw new IOException("negative call count");
      }
      List<RecordedCall> calls = new ArrayList<>();
      for (call = 0; call < count; call++) {
        int kind = in.readUnsignedByte();
        if (kind > 1) {
          throw new IOException("unknown call kind " + kind);
        }
        String cut = kind == 1 ? in.readUTF() : null;
        String arguments = kind == 1 ? in.readUTF() : "";
        String thrownType = null;
        String thrownMessage = null;
        if (in.readBoolean()) {
          thrownType = in.readUTF();
          thrownMessage = in.readBoolean() ? in.readUTF() : null;
        }
        byte[] graph = new byte[0];
        if (cut == null) {
          int length = in.readInt();
          if (length < 0 || length > in.available()) {
            throw new EOFException();
          }
          graph = in.readNBytes(length);
        }
        calls.add(new RecordedCall(cut, arguments, thrownType, thrownMessage, graph));
      }
      return new RecordFile(header, List.copyOf(calls));
    } catch (IOException | RuntimeException e) {
      if (e instanceof JLiveException jlive) {
        throw jlive;
      }
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          name
              + " is damaged: "
              + (call < 0 ? "its header" : "call " + (call + 1) + " of " + count)
              + " cannot be read ("
              + e
              + ")",
          "record the calls again; a file cut while copying loses its last calls");
    }
  }
}

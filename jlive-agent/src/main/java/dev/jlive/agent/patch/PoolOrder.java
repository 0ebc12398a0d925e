package dev.jlive.agent.patch;

import dev.jlive.agent.weave.MethodTable;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;

/**
 * A patch's class file written again with the running class's constant pool first, in its order,
 * and the patch's other constants after it. javac writes each class's pool afresh, in the order the
 * code first uses each constant, so one changed method moves every constant after it; HotSpot
 * matches a redefinition's pool against the running class's entry by entry and searches the whole
 * pool for each one not at its old index. On a big class that search is most of the redefinition
 * (docs/BENCHMARKS.md, section 61); ASM, given the running class's reader, puts each constant the
 * patch shares with it at its old index. The code is the same: only constant indexes change.
 */
final class PoolOrder {
  /**
   * Below this many constants the JVM's search costs about what writing the class again does: on
   * H2's classes with every constant moved, 600 constants gained nothing, 957 gained 1 ms, 1,483
   * gained 5 ms and 5,773 gained 95 ms (section 61). The demo's classes have a few hundred.
   */
  static final int MIN_CONSTANTS = 1_000;

  private PoolOrder() {}

  /** {@code patched} with {@code running}'s constants at their indexes, or as it is. */
  static byte[] alignedTo(byte[] running, byte[] patched) {
    ClassReader patchReader = new ClassReader(patched);
    if (patchReader.getItemCount() < MIN_CONSTANTS) {
      return patched;
    }
    ClassReader runningReader = new ClassReader(running);
    if (MethodTable.poolExtends(runningReader, running, patchReader, patched)) {
      return patched;
    }
    // The writer is seeded with the running class's pool and bootstrap methods; the patch's
    // reader is another source, so nothing of the running class's code is copied.
    ClassWriter writer = new ClassWriter(runningReader, 0);
    patchReader.accept(writer, 0);
    return writer.toByteArray();
  }
}

package dev.jlive.agent.compile;

/**
 * Lets a compile see some class files differently from how the loader serves them, e.g. with
 * private members opened up for an expression that will run as a nestmate of the class.
 */
public interface ClassFileView {
  ClassFileView AS_IS =
      new ClassFileView() {
        @Override
        public boolean changes(String binaryName) {
          return false;
        }

        @Override
        public byte[] apply(String binaryName, byte[] bytes) {
          return bytes;
        }
      };

  boolean changes(String binaryName);

  byte[] apply(String binaryName, byte[] bytes);
}

package dev.jlive.agent.expression;

/** What the read-only check needs to know of the running application's classes. */
interface ClassSource {
  /**
   * The loaded class the expression's loader sees under this internal name; null when it is not
   * loaded.
   */
  Class<?> loaded(String internalName);

  /** The bytes the class runs now (its latest patch included); null when they cannot be read. */
  byte[] runningBytes(Class<?> type);

  /**
   * True when the class's static initialiser has run (or is running): touching it runs no
   * application code.
   */
  boolean isInitialised(Class<?> type);
}

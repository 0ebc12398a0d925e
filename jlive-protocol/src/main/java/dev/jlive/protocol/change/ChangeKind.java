package dev.jlive.protocol.change;

/**
 * What a change is: the two things jlive can do to a running JVM. Written {@code "probe"}, {@code
 * "patch"}.
 */
public enum ChangeKind {
  PROBE,
  PATCH
}

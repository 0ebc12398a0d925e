package dev.jlive.protocol.change;

/**
 * What a change is: the things jlive can do to a running JVM. Written {@code "probe"}, {@code
 * "patch"}, {@code "shadow"}.
 *
 * <p>A shadow is a fleet change of its own kind (its spec the body of the agent's {@code POST
 * /v1/shadows}), not a flag on a patch: it installs nothing, is dropped rather than reverted, and
 * reports a shadow report rather than probe metrics. Agents of protocol 2 and older cannot read it
 * and are never sent one ({@link dev.jlive.protocol.FleetApi#FIRST_SHADOW_PROTOCOL_VERSION}).
 */
public enum ChangeKind {
  PROBE,
  PATCH,
  SHADOW
}

package dev.jlive.agent.probe;

/**
 * The one method a recording's selector found.
 *
 * @param descriptor its JVM descriptor, e.g. {@code (JI)J}
 * @param display its name with Java parameter types, for messages
 */
public record RecordedMethod(
    Class<?> type, String name, String descriptor, boolean isStatic, String display) {}

package dev.jlive.agent.inspect;

/**
 * Names class loaders the way engineers recognise them: {@code boot}, {@code platform}, {@code
 * app}, or the loader's class and identity hash, which also serves to pick one loader when a class
 * was loaded by several ({@code --loader}).
 */
public final class ClassLoaders {
  private ClassLoaders() {}

  public static String id(ClassLoader loader) {
    if (loader == null) {
      return "boot";
    }
    if (loader == ClassLoader.getPlatformClassLoader()) {
      return "platform";
    }
    if (loader == ClassLoader.getSystemClassLoader()) {
      return "app";
    }
    return loader.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(loader));
  }

  /** A longer description: the id plus the loader's own name, when it has one. */
  public static String describe(ClassLoader loader) {
    String id = id(loader);
    if (loader != null && loader.getName() != null && !id.equals(loader.getName())) {
      return id + " (" + loader.getName() + ")";
    }
    return id;
  }
}

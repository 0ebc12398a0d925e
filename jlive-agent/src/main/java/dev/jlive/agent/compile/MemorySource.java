package dev.jlive.agent.compile;

import java.net.URI;
import java.net.URISyntaxException;
import javax.tools.SimpleJavaFileObject;

/** A {@link SourceFile} as javac reads it: from memory, under a path javac can check names by. */
final class MemorySource extends SimpleJavaFileObject {
  private final SourceFile source;

  MemorySource(SourceFile source) {
    super(uri("jlive-source", source.path()), Kind.SOURCE);
    this.source = source;
  }

  SourceFile source() {
    return source;
  }

  @Override
  public CharSequence getCharContent(boolean ignoreEncodingErrors) {
    return source.code();
  }

  @Override
  public String getName() {
    return source.path();
  }

  /** A hierarchical URI whose path ends in the file name, which javac's name checks rely on. */
  static URI uri(String scheme, String path) {
    try {
      return new URI(scheme, null, "/" + path, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("no URI can name " + path, e);
    }
  }
}

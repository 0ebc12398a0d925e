package dev.jlive.agent.record;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.KryoBufferOverflowException;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CompatibleFieldSerializer;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.Pool;
import com.esotericsoftware.minlog.Log;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * The object graph of one call ({@code [receiver, arguments, returned]}) to and from bytes, with
 * Kryo. Writing is the deep copy: it happens on the application's thread when the call ends, so the
 * bytes hold the values as they were then; it is bounded in depth ({@link Kryo#setMaxDepth}) and in
 * bytes (the output buffer's maximum), and a graph over either bound is not written at all but
 * reported as cut ({@link Cut}), never kept in part.
 *
 * <p>Classes are written by name (no registration), every object once with back references (shared
 * and cyclic graphs come back as they were), and fields by name through {@link
 * CompatibleFieldSerializer}, so a replay build whose class gained or lost a field still reads the
 * file. Objects are made without their constructors where there is no no-argument one (Objenesis),
 * as a deep copy must.
 */
final class CallCodec {
  /** The wrapper array and the argument array sit above the values the depth bound is for. */
  private static final int WRAPPER_DEPTH = 2;

  static {
    // The agent never writes to the application's stdout or stderr: Kryo's own log stays off.
    Log.NONE();
  }

  private final Pool<Kryo> kryos;
  private final int maxBytes;
  private final int depth;

  /** A graph that is not written: too deep, too large, or of a type Kryo cannot copy. */
  static final class Cut extends Exception {
    private static final long serialVersionUID = 1L;

    Cut(String why) {
      super(why, null, false, false);
    }
  }

  CallCodec(ClassLoader loader, int depth, int maxBytes) {
    this.maxBytes = maxBytes;
    this.depth = depth;
    this.kryos =
        new Pool<>(true, false, 8) {
          @Override
          protected Kryo create() {
            return kryo(loader, depth + WRAPPER_DEPTH + 1);
          }
        };
  }

  private static Kryo kryo(ClassLoader loader, int maxDepth) {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(false);
    kryo.setWarnUnregisteredClasses(false);
    kryo.setReferences(true);
    kryo.setClassLoader(loader);
    kryo.setDefaultSerializer(CompatibleFieldSerializer.class);
    kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
    kryo.setMaxDepth(maxDepth);
    JdkCollections.register(kryo);
    return kryo;
  }

  /** The bytes of {@code [self, args, returned]}. */
  byte[] write(Object self, Object[] args, Object returned) throws Cut {
    Kryo kryo = kryos.obtain();
    try (Output output = new Output(Math.min(4096, maxBytes), maxBytes)) {
      kryo.writeClassAndObject(output, new Object[] {self, args, returned});
      return output.toBytes();
    } catch (KryoBufferOverflowException tooLarge) {
      throw new Cut("the call's values take more than " + maxBytes + " bytes (--max-size)");
    } catch (KryoException e) {
      if (String.valueOf(e.getMessage()).startsWith("Max depth exceeded")) {
        throw new Cut(
            "the call's values go deeper than " + depth + " levels of references (--depth)");
      }
      throw new Cut("Kryo could not copy the call's values: " + firstLine(e));
    } catch (RuntimeException | LinkageError e) {
      throw new Cut("the call's values could not be copied: " + firstLine(e));
    } finally {
      kryo.reset();
      kryos.free(kryo);
    }
  }

  /**
   * Reads what {@link #write} wrote, with classes from {@code loader}.
   *
   * @throws KryoException when a class is missing or does not fit (see {@link #missingClass})
   */
  static Object[] read(byte[] bytes, ClassLoader loader) {
    Kryo kryo = kryo(loader, Integer.MAX_VALUE);
    try (Input input = new Input(bytes)) {
      return (Object[]) kryo.readClassAndObject(input);
    }
  }

  /** The class a failed read could not find, or null when it failed for another reason. */
  static String missingClass(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ClassNotFoundException || cause instanceof NoClassDefFoundError) {
        String name = cause.getMessage();
        return name == null ? null : name.replace('/', '.');
      }
    }
    return null;
  }

  static String firstLine(Throwable e) {
    String text = String.valueOf(e.getMessage());
    int newline = text.indexOf('\n');
    return e.getClass().getSimpleName() + ": " + (newline < 0 ? text : text.substring(0, newline));
  }
}

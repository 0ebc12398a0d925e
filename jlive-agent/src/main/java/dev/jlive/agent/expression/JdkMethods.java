package dev.jlive.agent.expression;

import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.Type;

/**
 * The JDK methods an expression may call without {@code --allow-side-effects}: exact owners, names
 * and descriptors of final value types, whose code is the JDK's own and runs in time linear in what
 * it is given. Anything else of the JDK is refused with the reason a user can act on.
 *
 * <p>Why an allow-list: a JDK method can dispatch into application code through its arguments
 * ({@code Objects.equals}, {@code String.valueOf(Object)}, a comparator, a map key's {@code
 * hashCode}), block ({@code Future.get}), run without bound ({@code String.matches} with a
 * catastrophic pattern, {@code String.repeat}) or change state (an access-ordered {@code
 * LinkedHashMap.get}). A deny-list misses the next one; this list says what is known.
 */
public final class JdkMethods {
  /** Final classes of values: their own methods take only primitives and these types. */
  private static final Set<String> VALUE_TYPES =
      Set.of(
          "java/lang/String",
          "java/lang/Integer",
          "java/lang/Long",
          "java/lang/Short",
          "java/lang/Byte",
          "java/lang/Character",
          "java/lang/Boolean",
          "java/lang/Double",
          "java/lang/Float",
          "java/lang/Math",
          "java/lang/StrictMath",
          "java/time/Duration",
          "java/time/Instant",
          "java/time/LocalDate",
          "java/time/LocalTime",
          "java/time/LocalDateTime");

  /** Methods of those types that are refused all the same, with why. */
  private static final Map<String, String> REFUSED_NAMES =
      Map.ofEntries(
          Map.entry("matches", "runs a regular expression, which can take exponential time"),
          Map.entry("replaceAll", "runs a regular expression, which can take exponential time"),
          Map.entry("replaceFirst", "runs a regular expression, which can take exponential time"),
          Map.entry("split", "runs a regular expression, which can take exponential time"),
          Map.entry("repeat", "allocates without bound"),
          Map.entry("format", "formats through application toString() methods"),
          Map.entry("formatted", "formats through application toString() methods"),
          Map.entry("intern", "changes the JVM's string table"),
          Map.entry("random", "changes the shared random generator"),
          Map.entry("getInteger", "reads system properties"),
          Map.entry("getLong", "reads system properties"),
          Map.entry("getBoolean", "reads system properties"),
          Map.entry("lines", "returns a stream"),
          Map.entry("chars", "returns a stream"),
          Map.entry("codePoints", "returns a stream"),
          Map.entry("describeConstable", "is not a plain read"),
          Map.entry("resolveConstantDesc", "is not a plain read"),
          Map.entry("indent", "allocates without bound"),
          Map.entry("getName", "reads a resource file"));

  /**
   * Final JDK methods (or methods of final JDK classes) that only read: any receiver runs them as
   * they are, since no override can take their place.
   */
  private static final Set<String> FINAL_METHODS =
      Set.of(
          "java/lang/Object.getClass()Ljava/lang/Class;",
          "java/lang/Enum.name()Ljava/lang/String;",
          "java/lang/Enum.ordinal()I",
          "java/lang/Enum.hashCode()I",
          "java/lang/Enum.equals(Ljava/lang/Object;)Z",
          "java/lang/Enum.compareTo(Ljava/lang/Enum;)I",
          "java/lang/Class.getName()Ljava/lang/String;",
          "java/lang/Class.getSimpleName()Ljava/lang/String;",
          "java/lang/Class.isInstance(Ljava/lang/Object;)Z",
          "java/util/Objects.isNull(Ljava/lang/Object;)Z",
          "java/util/Objects.nonNull(Ljava/lang/Object;)Z",
          "java/util/Objects.requireNonNull(Ljava/lang/Object;)Ljava/lang/Object;",
          "java/util/concurrent/atomic/AtomicInteger.get()I",
          "java/util/concurrent/atomic/AtomicLong.get()J",
          "java/util/concurrent/atomic/AtomicBoolean.get()Z",
          "java/util/concurrent/atomic/AtomicReference.get()Ljava/lang/Object;",
          "java/util/Optional.isPresent()Z",
          "java/util/Optional.isEmpty()Z",
          "java/util/Optional.get()Ljava/lang/Object;",
          "java/util/Optional.orElse(Ljava/lang/Object;)Ljava/lang/Object;");

  /** Calls refused with a reason of their own, by owner and name. */
  private static final Map<String, String> KNOWN_DANGERS =
      Map.ofEntries(
          Map.entry("java/util/concurrent/Future.get", "may block"),
          Map.entry("java/util/concurrent/CompletableFuture.get", "may block"),
          Map.entry("java/util/concurrent/CompletableFuture.join", "may block"),
          Map.entry("java/lang/Thread.sleep", "blocks"),
          Map.entry("java/lang/Thread.join", "may block"),
          Map.entry("java/lang/Object.wait", "blocks"),
          Map.entry("java/util/concurrent/locks/LockSupport.park", "blocks"),
          Map.entry("java/util/concurrent/CountDownLatch.await", "may block"),
          Map.entry("java/util/concurrent/BlockingQueue.take", "may block"),
          Map.entry(
              "java/util/regex/Pattern.matches",
              "runs a regular expression, which can take exponential time"),
          Map.entry(
              "java/util/regex/Matcher.matches",
              "runs a regular expression, which can take exponential time"),
          Map.entry(
              "java/util/regex/Matcher.find",
              "runs a regular expression, which can take exponential time"),
          Map.entry(
              "java/util/Objects.equals",
              "calls equals() of its argument's class, which may be application code"),
          Map.entry(
              "java/util/Objects.hashCode",
              "calls hashCode() of its argument's class, which may be application code"),
          Map.entry(
              "java/util/Objects.toString",
              "calls toString() of its argument's class, which may be application code"),
          Map.entry(
              "java/lang/ThreadLocal.get",
              "may run the thread local's initialiser, application code"),
          Map.entry(
              "java/util/function/Supplier.get", "runs whatever the supplier is, application code"),
          Map.entry("java/util/LinkedHashMap.get", "reorders an access-ordered map"));

  /**
   * Methods every class may override: on a type that is not a final JDK value, they may run
   * application code.
   */
  private static final Set<String> OBJECT_METHODS =
      Set.of("toString", "equals", "hashCode", "compareTo", "compare");

  /**
   * How compilers without indified concatenation (ECJ) join strings: primitives and strings only.
   */
  private static final Set<String> JOINING =
      Set.of(
          "<init>()V",
          "<init>(Ljava/lang/String;)V",
          "toString()Ljava/lang/String;",
          "append(Ljava/lang/String;)Ljava/lang/StringBuilder;",
          "append(I)Ljava/lang/StringBuilder;",
          "append(J)Ljava/lang/StringBuilder;",
          "append(Z)Ljava/lang/StringBuilder;",
          "append(C)Ljava/lang/StringBuilder;",
          "append(D)Ljava/lang/StringBuilder;",
          "append(F)Ljava/lang/StringBuilder;");

  private JdkMethods() {}

  /**
   * True for the one class an expression may create: a StringBuilder, as some compilers join
   * strings with one.
   */
  static boolean mayCreate(String type) {
    return type.equals("java/lang/StringBuilder");
  }

  /** True for the final JDK value types whose methods the list judges. */
  public static boolean isValueType(String owner) {
    return VALUE_TYPES.contains(owner);
  }

  /** True for a JDK owner: its code is the JDK's, judged by this list rather than scanned. */
  public static boolean isJdk(String owner) {
    return owner.startsWith("java/")
        || owner.startsWith("javax/")
        || owner.startsWith("jdk/")
        || owner.startsWith("sun/")
        || owner.startsWith("com/sun/");
  }

  /** True when a call runs a final JDK method whatever the receiver's class. */
  static boolean isFinal(String owner, String name, String descriptor) {
    return FINAL_METHODS.contains(owner + "." + name + descriptor);
  }

  /**
   * Null when the call is allowed; else why not, e.g. {@code "(may block)"}.
   *
   * @param literalArgument true when the last argument is a string constant (an exact String)
   */
  static String refusal(
      String owner, String name, String descriptor, boolean literalArgument, boolean isInterface) {
    if (isFinal(owner, name, descriptor)) {
      return null;
    }
    if (owner.equals("java/lang/StringBuilder")) {
      return JOINING.contains(name + descriptor)
          ? null
          : "(only the StringBuilder calls that join primitives and strings are allowed; this one may run application code)";
    }
    String danger = KNOWN_DANGERS.get(owner + "." + name);
    if (danger != null) {
      return "(" + danger + ")";
    }
    if (!VALUE_TYPES.contains(owner)) {
      if (OBJECT_METHODS.contains(name)) {
        return "(runs the " + name + "() of the value's own class, which may be application code)";
      }
      if (isInterface) {
        return "(an interface method: whichever class implements it, possibly application code, decides what runs)";
      }
      return "(not on jlive's list of JDK methods known to only read; it may run application code or change state)";
    }
    String refusedName = REFUSED_NAMES.get(name);
    if (refusedName != null) {
      return "(" + refusedName + ")";
    }
    if (owner.equals("java/lang/String")
        && name.equals("valueOf")
        && descriptor.startsWith("(Ljava/lang/Object;)")) {
      // javac joins objects into strings through this: "#" + order.
      return "(calls toString() of its argument's class, which may be application code;"
          + " a template placeholder such as {name} renders any value safely)";
    }
    if (name.equals("<init>")) {
      return "(creates an object)";
    }
    // String.contains(CharSequence) calls the argument's toString(): safe for a literal, an exact
    // String.
    if (owner.equals("java/lang/String")
        && (name.equals("contains") || name.equals("contentEquals"))) {
      return literalArgument
          ? null
          : "(calls toString() of its CharSequence argument, which may be application code; compare with a string literal, or use indexOf)";
    }
    if (name.equals("equals") && descriptor.equals("(Ljava/lang/Object;)Z")) {
      // The value types' equals() checks the argument's class with instanceof and never calls it.
      return null;
    }
    for (Type argument : Type.getArgumentTypes(descriptor)) {
      if (!isValue(argument, owner)) {
        return "(takes a "
            + argument.getClassName()
            + ", through which it may run application code)";
      }
    }
    return null;
  }

  private static boolean isValue(Type type, String owner) {
    return type.getSort() != Type.OBJECT && type.getSort() != Type.ARRAY
        || type.getSort() == Type.OBJECT
            && (VALUE_TYPES.contains(type.getInternalName())
                || type.getInternalName().equals(owner));
  }

  /**
   * True when concatenating a value of this type calls only JDK code: primitives, strings and
   * boxes.
   */
  static boolean rendersSafely(Type type) {
    return switch (type.getSort()) {
      case Type.OBJECT ->
          VALUE_TYPES.contains(type.getInternalName())
              && !type.getInternalName().startsWith("java/lang/Math")
              && !type.getInternalName().equals("java/lang/StrictMath");
      case Type.ARRAY, Type.METHOD -> false;
      default -> true;
    };
  }

  // ---- The side-effect check (dev.jlive.agent.purity) judges JDK calls by this same list. ----
  // Read-only is enough to be repeatable, so every call an expression may make passes; on top,
  // a call may allocate, and may change an object the checked call made itself.

  /** JDK classes that change only themselves: fine on an object made by the call being checked. */
  private static final Set<String> SELF_CHANGING =
      Set.of(
          "java/lang/StringBuilder",
          "java/util/ArrayList",
          "java/util/ArrayDeque",
          "java/util/LinkedList");

  /**
   * Methods of the {@link #SELF_CHANGING} lists that never call a method of an element (so no
   * application equals or hashCode runs), whatever the argument's type.
   */
  private static final Set<String> ELEMENT_BLIND =
      Set.of(
          "add",
          "addFirst",
          "addLast",
          "get",
          "set",
          "size",
          "isEmpty",
          "clear",
          "push",
          "pop",
          "peek",
          "peekFirst",
          "peekLast",
          "poll",
          "pollFirst",
          "pollLast",
          "removeFirst",
          "removeLast",
          "getFirst",
          "getLast",
          "toArray");

  /** Their methods that only read: fine on an object that existed before the call too. */
  private static final Set<String> SELF_CHANGING_READS =
      Set.of(
          "get",
          "size",
          "isEmpty",
          "peek",
          "peekFirst",
          "peekLast",
          "getFirst",
          "getLast",
          "length",
          "charAt",
          "toString",
          "toArray");

  /** Methods of value types that only compute (refused in expressions for time, not for effect). */
  private static final Set<String> PURE_BUT_UNBOUNDED =
      Set.of("matches", "replaceAll", "replaceFirst", "split", "repeat", "indent");

  /** Calls that read the clock or the thread: they change nothing (their results may vary). */
  private static final Set<String> CHANGE_NOTHING =
      Set.of(
          "java/lang/Object.<init>()V",
          // A record's constructor runs this, as a class's runs Object's: it sets nothing.
          "java/lang/Record.<init>()V",
          "java/lang/System.nanoTime()J",
          "java/lang/System.currentTimeMillis()J",
          "java/lang/System.identityHashCode(Ljava/lang/Object;)I",
          "java/lang/Thread.currentThread()Ljava/lang/Thread;");

  /** Packages whose calls reach files, sockets, databases, processes or logs. */
  private static final List<String> IO_PACKAGES =
      List.of(
          "java/io/",
          "java/nio/",
          "java/net/",
          "javax/net/",
          "java/sql/",
          "javax/sql/",
          "java/util/logging/",
          "java/lang/System$Logger",
          "java/lang/Process",
          "java/lang/Runtime",
          "java/net/http/");

  private static final List<String> REFLECTION_PACKAGES =
      List.of("java/lang/reflect/", "java/lang/invoke/", "sun/misc/Unsafe", "jdk/internal/");

  private static final Set<String> REFLECTIVE_CLASS_METHODS =
      Set.of(
          "forName",
          "newInstance",
          "getMethod",
          "getDeclaredMethod",
          "getMethods",
          "getDeclaredMethods",
          "getField",
          "getDeclaredField",
          "getConstructor",
          "getDeclaredConstructor");

  /**
   * For the side-effect check: null when this JDK call changes nothing that existed before the call
   * being checked; else why not, in parentheses, e.g. {@code "(I/O)"}.
   *
   * @param receiverFresh the receiver (for an instance method) was made by the call being checked
   */
  public static String sideEffect(
      String owner, String name, String descriptor, boolean isInterface, boolean receiverFresh) {
    if (CHANGE_NOTHING.contains(owner + "." + name + descriptor)) {
      return null;
    }
    for (String io : IO_PACKAGES) {
      if (owner.startsWith(io)) {
        return "(I/O)";
      }
    }
    for (String reflection : REFLECTION_PACKAGES) {
      if (owner.startsWith(reflection)) {
        return "(reflection)";
      }
    }
    if (owner.equals("java/lang/Class") && REFLECTIVE_CLASS_METHODS.contains(name)) {
      return "(reflection)";
    }
    if (owner.startsWith("java/util/concurrent/locks/")) {
      return "(takes or releases a lock)";
    }
    if (SELF_CHANGING.contains(owner)) {
      return selfChanging(owner, name, descriptor, receiverFresh);
    }
    if (name.equals("<init>") && isThrowable(owner) && argumentsAreValues(owner, descriptor)) {
      return null;
    }
    if (VALUE_TYPES.contains(owner)
        && PURE_BUT_UNBOUNDED.contains(name)
        && argumentsAreValues(owner, descriptor)) {
      return null;
    }
    String readOnly = refusal(owner, name, descriptor, false, isInterface);
    if (readOnly == null) {
      return null;
    }
    String danger = KNOWN_DANGERS.get(owner + "." + name);
    if (danger != null) {
      return "(" + danger + ")";
    }
    return readOnly.startsWith("(not on jlive's list")
        ? "(not on jlive's list of JDK methods known to change nothing; it may change state or run"
            + " application code)"
        : readOnly;
  }

  private static String selfChanging(
      String owner, String name, String descriptor, boolean receiverFresh) {
    boolean blind = !owner.equals("java/lang/StringBuilder") && ELEMENT_BLIND.contains(name);
    boolean valuesOnly = argumentsAreValues(owner, descriptor) || blind;
    if (name.equals("<init>")) {
      return argumentsAreValues(owner, descriptor)
          ? null
          : "(builds from an object through which it may run application code)";
    }
    if (!valuesOnly) {
      return "(takes an object through which it may run application code)";
    }
    if (receiverFresh || SELF_CHANGING_READS.contains(name)) {
      return null;
    }
    return "(changes a "
        + owner.substring(owner.lastIndexOf('/') + 1)
        + " that existed before the call)";
  }

  private static boolean isThrowable(String owner) {
    return (owner.startsWith("java/lang/") || owner.startsWith("java/util/"))
        && (owner.endsWith("Exception") || owner.endsWith("Error") || owner.endsWith("Throwable"));
  }

  private static boolean argumentsAreValues(String owner, String descriptor) {
    for (Type argument : Type.getArgumentTypes(descriptor)) {
      if (!isValue(argument, owner)
          && !argument.getDescriptor().equals("[C")
          && !argument.getDescriptor().equals("[B")) {
        return false;
      }
    }
    return true;
  }

  /** True when a call on a receiver the checked call made returns that same receiver. */
  public static boolean returnsFreshReceiver(String owner, String name, String descriptor) {
    return SELF_CHANGING.contains(owner)
        && !name.equals("<init>")
        && Type.getReturnType(descriptor).getInternalName().equals(owner);
  }

  /** True when the call returns an object (an array) it has just made. */
  public static boolean returnsNewObject(String owner, String name, String descriptor) {
    return owner.startsWith("[") && name.equals("clone")
        || owner.equals("java/util/Arrays") && name.startsWith("copyOf")
        || owner.equals("java/lang/String")
            && (name.equals("toCharArray") || name.equals("getBytes") || name.equals("split"))
        || SELF_CHANGING.contains(owner) && name.equals("toArray");
  }
}

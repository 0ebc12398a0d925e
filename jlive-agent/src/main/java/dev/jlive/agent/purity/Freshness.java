package dev.jlive.agent.purity;

import dev.jlive.agent.expression.JdkMethods;
import java.util.List;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicInterpreter;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Interpreter;

/**
 * Data flow of "made by this call": a value is fresh when on every path it comes from {@code new},
 * an array creation, or a parameter the caller passed fresh, through loads, stores, casts and
 * methods known to return their receiver. Writes into fresh objects change nothing that existed
 * before the call. Sizes and kinds come from ASM's {@link BasicInterpreter}; the origin (a field or
 * parameter name) is kept to name what a write or a lock touches.
 */
final class Freshness extends Interpreter<Freshness.Value> {
  /**
   * @param fresh made by this call
   * @param origin what the value is, for messages: {@code "Orders.lock"}, {@code "this"}; null when
   *     unknown
   * @param exactType the internal name of the class the call made it as (so a call on it can only
   *     reach that class's method); null when unknown
   */
  record Value(BasicValue basic, boolean fresh, String origin, String exactType)
      implements org.objectweb.asm.tree.analysis.Value {
    @Override
    public int getSize() {
      return basic.getSize();
    }
  }

  private final BasicInterpreter basic = new BasicInterpreter();
  private final boolean[] freshArguments;
  private final boolean isStatic;
  private int[] slotToArgument = new int[0];

  /**
   * @param freshArguments for each argument slot, receiver first for an instance method: whether
   *     the caller made it
   */
  Freshness(boolean[] freshArguments, boolean isStatic) {
    super(Opcodes.ASM9);
    this.freshArguments = freshArguments.clone();
    this.isStatic = isStatic;
  }

  private static Value plain(BasicValue value) {
    return value == null ? null : new Value(value, false, null, null);
  }

  @Override
  public Value newValue(Type type) {
    return plain(basic.newValue(type));
  }

  @Override
  public Value newParameterValue(boolean isInstanceMethod, int local, Type type) {
    BasicValue value = basic.newValue(type);
    int index = argumentIndex(local);
    boolean fresh = index >= 0 && index < freshArguments.length && freshArguments[index];
    String origin =
        !isStatic && local == 0
            ? "this"
            : index >= 0 ? "parameter " + (isStatic ? index + 1 : index) : null;
    return new Value(value, fresh, origin, null);
  }

  /** Locals count long and double twice; arguments once. Computed from the slot order. */
  private int argumentIndex(int local) {
    return local < slotToArgument.length ? slotToArgument[local] : -1;
  }

  /** Tells the interpreter the method's argument types, to map local slots to arguments. */
  Freshness forDescriptor(String descriptor) {
    Type[] arguments = Type.getArgumentTypes(descriptor);
    int slots = isStatic ? 0 : 1;
    for (Type argument : arguments) {
      slots += argument.getSize();
    }
    int[] map = new int[slots];
    int slot = 0;
    int index = 0;
    if (!isStatic) {
      map[slot++] = index++;
    }
    for (Type argument : arguments) {
      map[slot] = index++;
      if (argument.getSize() == 2) {
        map[slot + 1] = -1;
      }
      slot += argument.getSize();
    }
    slotToArgument = map;
    return this;
  }

  @Override
  public Value newOperation(AbstractInsnNode insn) throws AnalyzerException {
    BasicValue value = basic.newOperation(insn);
    if (insn.getOpcode() == Opcodes.NEW) {
      return new Value(value, true, null, ((TypeInsnNode) insn).desc);
    }
    if (insn.getOpcode() == Opcodes.GETSTATIC) {
      FieldInsnNode field = (FieldInsnNode) insn;
      return new Value(value, false, Names.field(field.owner, field.name), null);
    }
    return plain(value);
  }

  @Override
  public Value copyOperation(AbstractInsnNode insn, Value value) throws AnalyzerException {
    return new Value(
        basic.copyOperation(insn, value.basic()), value.fresh(), value.origin(), value.exactType());
  }

  @Override
  public Value unaryOperation(AbstractInsnNode insn, Value value) throws AnalyzerException {
    BasicValue result = basic.unaryOperation(insn, value.basic());
    return switch (insn.getOpcode()) {
      case Opcodes.NEWARRAY, Opcodes.ANEWARRAY -> new Value(result, true, null, null);
      case Opcodes.CHECKCAST -> new Value(result, value.fresh(), value.origin(), value.exactType());
      case Opcodes.GETFIELD -> {
        FieldInsnNode field = (FieldInsnNode) insn;
        yield new Value(result, false, Names.field(field.owner, field.name), null);
      }
      default -> plain(result);
    };
  }

  @Override
  public Value binaryOperation(AbstractInsnNode insn, Value value1, Value value2)
      throws AnalyzerException {
    return plain(basic.binaryOperation(insn, value1.basic(), value2.basic()));
  }

  @Override
  public Value ternaryOperation(AbstractInsnNode insn, Value value1, Value value2, Value value3)
      throws AnalyzerException {
    return plain(basic.ternaryOperation(insn, value1.basic(), value2.basic(), value3.basic()));
  }

  @Override
  public Value naryOperation(AbstractInsnNode insn, List<? extends Value> values)
      throws AnalyzerException {
    BasicValue result = basic.naryOperation(insn, values.stream().map(Value::basic).toList());
    if (insn.getOpcode() == Opcodes.MULTIANEWARRAY) {
      return new Value(result, true, null, null);
    }
    if (result != null
        && insn instanceof MethodInsnNode call
        && call.getOpcode() != Opcodes.INVOKESTATIC
        && !values.isEmpty()
        && values.get(0).fresh()
        && JdkMethods.returnsFreshReceiver(call.owner, call.name, call.desc)) {
      return new Value(result, true, null, values.get(0).exactType());
    }
    if (result != null
        && insn instanceof MethodInsnNode call
        && JdkMethods.returnsNewObject(call.owner, call.name, call.desc)) {
      return new Value(result, true, null, null);
    }
    return plain(result);
  }

  @Override
  public void returnOperation(AbstractInsnNode insn, Value value, Value expected) {}

  @Override
  public Value merge(Value value1, Value value2) {
    BasicValue merged = basic.merge(value1.basic(), value2.basic());
    boolean fresh = value1.fresh() && value2.fresh();
    String origin =
        value1.origin() != null && value1.origin().equals(value2.origin()) ? value1.origin() : null;
    String exactType =
        value1.exactType() != null && value1.exactType().equals(value2.exactType())
            ? value1.exactType()
            : null;
    Value result = new Value(merged, fresh, origin, exactType);
    return result.equals(value1) ? value1 : result;
  }
}

package dev.jlive.agent.probe;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * What {@link LastArgument} reads: the woven method's last parameter, typed as {@code Object}. Byte
 * Buddy's own {@code @Advice.Argument} needs the index in the advice's source, and one advice
 * serves suspend functions of any number of parameters; so the index is taken here, from each
 * method the advice is woven into.
 */
final class LastArgumentRead implements Advice.OffsetMapping {
  @Override
  public Target resolve(
      TypeDescription instrumentedType,
      MethodDescription instrumentedMethod,
      Assigner assigner,
      Advice.ArgumentHandler arguments,
      Sort sort) {
    ParameterList<?> parameters = instrumentedMethod.getParameters();
    if (parameters.isEmpty()) {
      throw new IllegalStateException(instrumentedMethod + " has no argument to read");
    }
    return new Advice.OffsetMapping.ForArgument.Resolved(
            TypeDescription.Generic.OBJECT,
            true,
            Assigner.Typing.STATIC,
            parameters.get(parameters.size() - 1))
        .resolve(instrumentedType, instrumentedMethod, assigner, arguments, sort);
  }
}

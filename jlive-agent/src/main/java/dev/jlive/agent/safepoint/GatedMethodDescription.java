package dev.jlive.agent.safepoint;

import net.bytebuddy.description.annotation.AnnotationList;
import net.bytebuddy.description.annotation.AnnotationValue;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterList;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.description.type.TypeList;

/**
 * A method being woven with a gate, as the shared gate advice is given it: the method as Byte Buddy
 * describes it (every answer is the real method's, and it equals the real method), plus the gate
 * weaving's numbers, which the advice's constants take ({@code Gates.GateConstant}). The advice is
 * built once for all gates, and the method it is applied to is all it is told of the weaving.
 */
final class GatedMethodDescription extends MethodDescription.AbstractBase {
  private final MethodDescription method;
  final int gate;
  final int version;
  final int index;

  GatedMethodDescription(MethodDescription method, int gate, int version, int index) {
    this.method = method;
    this.gate = gate;
    this.version = version;
    this.index = index;
  }

  @Override
  public TypeDefinition getDeclaringType() {
    return method.getDeclaringType();
  }

  @Override
  public TypeDescription.Generic getReturnType() {
    return method.getReturnType();
  }

  @Override
  public ParameterList<?> getParameters() {
    return method.getParameters();
  }

  @Override
  public TypeList.Generic getExceptionTypes() {
    return method.getExceptionTypes();
  }

  @Override
  public AnnotationValue<?, ?> getDefaultValue() {
    return method.getDefaultValue();
  }

  @Override
  public TypeList.Generic getTypeVariables() {
    return method.getTypeVariables();
  }

  @Override
  public int getModifiers() {
    return method.getModifiers();
  }

  @Override
  public AnnotationList getDeclaredAnnotations() {
    return method.getDeclaredAnnotations();
  }

  @Override
  public String getInternalName() {
    return method.getInternalName();
  }

  @Override
  public TypeDescription.Generic getReceiverType() {
    return method.getReceiverType();
  }

  @Override
  public MethodDescription.InDefinedShape asDefined() {
    return method.asDefined();
  }
}

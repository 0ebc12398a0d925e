package dev.jlive.agent.shadow;

import dev.jlive.agent.expression.ProbeExpressions;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Copies some methods of a class, from given bytes (a candidate patch, or the running code), into a
 * hidden class beside it, where they run without touching the class itself.
 *
 * <p>Each instance method {@code R m(A, B)} becomes {@code static R m(Owner self, A, B)}: its
 * bytecode is unchanged, since {@code this} was local 0 and {@code self} now is. The hidden class
 * is defined as a nestmate of the owner, so the copy reads and writes the receiver's private fields
 * and calls its private methods as the original did ({@code invokespecial} of a private method
 * becomes {@code invokevirtual}, which nestmates may use). A call from a copied method to another
 * copied method goes to the copy, so a candidate that changes two methods runs both new bodies.
 * What a copy cannot do is refused when it is made: a call to a superclass's method ({@code
 * super.m()}, which only the class itself may make), a lambda whose body is a method of the class
 * (the running class may not have it), constructors and abstract or native methods.
 */
public final class CandidateClass {
  private CandidateClass() {}

  /**
   * Copies the methods named by {@code keys} ({@code "name descriptor"}) out of {@code classBytes}
   * into a hidden nestmate of {@code owner}.
   *
   * @return per key, a {@code (Object self, Object[] args) Object} handle that runs the copy (self
   *     is ignored for a static method); what it throws is the method's own exception
   */
  public static Map<String, MethodHandle> define(
      Class<?> owner, byte[] classBytes, Set<String> keys) {
    String ownerName = owner.getName().replace('.', '/');
    String copyName = ownerName + "$JLiveShadow";
    ClassReader reader = new ClassReader(classBytes);
    ClassWriter writer = new ClassWriter(0);
    List<String> refusals = new ArrayList<>();
    Map<String, String> staticDescriptors = new LinkedHashMap<>();
    reader.accept(
        new ClassVisitor(Opcodes.ASM9) {
          @Override
          public void visit(
              int version,
              int access,
              String name,
              String signature,
              String superName,
              String[] interfaces) {
            writer.visit(
                version,
                Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC,
                copyName,
                null,
                "java/lang/Object",
                null);
          }

          @Override
          public void visitSource(String source, String debug) {
            // Stack traces of the copy name the class's own source file and lines.
            writer.visitSource(source, debug);
          }

          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            String key = name + " " + descriptor;
            if (!keys.contains(key)) {
              return null;
            }
            String display = owner.getSimpleName() + "#" + name;
            if (name.startsWith("<")) {
              refusals.add(display + " is a constructor or static initialiser");
              return null;
            }
            if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
              refusals.add(display + " has no bytecode body");
              return null;
            }
            String copied = copiedDescriptor(ownerName, access, descriptor);
            staticDescriptors.put(key, copied);
            MethodVisitor target =
                writer.visitMethod(
                    Opcodes.ACC_STATIC | Opcodes.ACC_PUBLIC | Opcodes.ACC_SYNTHETIC,
                    name,
                    copied,
                    null,
                    exceptions);
            return new Redirect(target, ownerName, copyName, keys, display, refusals, reader);
          }
        },
        0);
    if (!refusals.isEmpty()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the shadow cannot run a copy of this code beside the running class: "
              + String.join("; ", refusals),
          "shadow a candidate without these, or try it with `jlive patch --dry-run` and a probe");
    }
    writer.visitEnd();
    try {
      MethodHandles.Lookup copy =
          ProbeExpressions.trustedLookupIn(owner)
              .defineHiddenClass(
                  writer.toByteArray(), true, MethodHandles.Lookup.ClassOption.NESTMATE);
      Map<String, MethodHandle> invokers = new LinkedHashMap<>();
      for (Map.Entry<String, String> entry : staticDescriptors.entrySet()) {
        String name = entry.getKey().substring(0, entry.getKey().indexOf(' '));
        MethodType type =
            MethodType.fromMethodDescriptorString(entry.getValue(), owner.getClassLoader());
        MethodHandle handle = copy.findStatic(copy.lookupClass(), name, type);
        // A static method's copy keeps its descriptor; an instance method's gains the receiver.
        boolean isStatic = entry.getValue().equals(entry.getKey().substring(name.length() + 1));
        invokers.put(entry.getKey(), spread(handle, isStatic));
      }
      return invokers;
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new JLiveException(
          ErrorCode.INTERNAL_ERROR,
          "the copy of " + owner.getName() + " for the shadow could not be defined: " + e,
          "please report this as a jlive bug, with the agent log");
    }
  }

  /** The descriptor of the static copy: the receiver first for an instance method. */
  private static String copiedDescriptor(String ownerName, int access, String descriptor) {
    return (access & Opcodes.ACC_STATIC) != 0
        ? descriptor
        : "(L" + ownerName + ";" + descriptor.substring(1);
  }

  /** {@code (Object self, Object[] args) Object} over the copy's static method. */
  private static MethodHandle spread(MethodHandle handle, boolean isStatic) {
    int count = handle.type().parameterCount();
    MethodHandle generic = handle.asType(MethodType.genericMethodType(count));
    if (isStatic) {
      return MethodHandles.dropArguments(
          generic.asSpreader(Object[].class, count), 0, Object.class);
    }
    return generic.asSpreader(Object[].class, count - 1);
  }

  /** Rewrites the calls a copy makes, or records why it cannot make them. */
  private static final class Redirect extends MethodVisitor {
    private final String ownerName;
    private final String copyName;
    private final Set<String> keys;
    private final String display;
    private final List<String> refusals;
    private final ClassReader original;

    Redirect(
        MethodVisitor target,
        String ownerName,
        String copyName,
        Set<String> keys,
        String display,
        List<String> refusals,
        ClassReader original) {
      super(Opcodes.ASM9, target);
      this.ownerName = ownerName;
      this.copyName = copyName;
      this.keys = keys;
      this.display = display;
      this.refusals = refusals;
      this.original = original;
    }

    @Override
    public void visitMethodInsn(
        int opcode, String owner, String name, String descriptor, boolean isInterface) {
      if (owner.equals(ownerName) && keys.contains(name + " " + descriptor)) {
        int access = accessOf(name, descriptor);
        super.visitMethodInsn(
            Opcodes.INVOKESTATIC,
            copyName,
            name,
            copiedDescriptor(ownerName, access, descriptor),
            false);
        return;
      }
      if (opcode == Opcodes.INVOKESPECIAL && !name.equals("<init>")) {
        if (!owner.equals(ownerName)) {
          refusals.add(
              display
                  + " calls super."
                  + name
                  + " ("
                  + owner.replace('/', '.')
                  + "), which only the class itself can call");
          return;
        }
        super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, owner, name, descriptor, isInterface);
        return;
      }
      super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(
        String name, String descriptor, Handle bootstrap, Object... arguments) {
      for (Object argument : arguments) {
        if (argument instanceof Handle handle && handle.getOwner().equals(ownerName)) {
          refusals.add(
              display
                  + " has a lambda or method reference to "
                  + handle.getName()
                  + " of its own class, which the running class may not have");
        }
      }
      super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
    }

    /** The access flags of a method of the bytes being copied. */
    private int accessOf(String name, String descriptor) {
      int[] access = {0};
      original.accept(
          new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(
                int flags, String method, String desc, String signature, String[] exceptions) {
              if (method.equals(name) && desc.equals(descriptor)) {
                access[0] = flags;
              }
              return null;
            }
          },
          ClassReader.SKIP_CODE);
      return access[0];
    }
  }
}

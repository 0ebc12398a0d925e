package dev.jlive.agent.weave;

import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * One change's contribution to one class's running bytes, e.g. a probe's advice on two of its
 * methods. A class's bytes are always its base bytes plus every weaving that applies right now.
 */
public interface Weaving {
  AsmVisitorWrapper visitor();
}

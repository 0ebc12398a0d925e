package dev.jlive.agent.probe;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the advice parameter that reads as the dispatcher of the probe's site ({@link
 * LinkedDispatcherCall}): a linked call site where the class file allows one, else the bridge's
 * dispatcher.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
@interface LinkedDispatcher {}

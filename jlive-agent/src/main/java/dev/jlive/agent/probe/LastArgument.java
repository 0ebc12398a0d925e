package dev.jlive.agent.probe;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the advice parameter that reads the woven method's last argument as it is, without the
 * argument array: a Kotlin suspend function's continuation ({@link LastArgumentRead}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
@interface LastArgument {}

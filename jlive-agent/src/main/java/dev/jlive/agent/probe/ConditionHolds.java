package dev.jlive.agent.probe;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the advice parameter that reads as the answer of the probe's typed {@code --when} condition
 * for this call ({@link TypedConditionCall}): the condition runs where the advice reads it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
@interface ConditionHolds {}

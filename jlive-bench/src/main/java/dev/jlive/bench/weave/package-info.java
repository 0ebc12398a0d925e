/**
 * JMH benchmarks of weaving a class the way the agent's class pipeline does, with Byte Buddy's
 * settings of the pipeline: what a probe or patch costs to put in, not what it costs per call.
 */
package dev.jlive.bench.weave;

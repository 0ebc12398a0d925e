/**
 * JMH benchmarks of what a probe costs per call of the method it is woven into: {@link
 * dev.jlive.bench.overhead.Target} gets the probe, its twin {@link
 * dev.jlive.bench.overhead.Baseline} does not, and both run in forks of the same configuration.
 */
package dev.jlive.bench.overhead;

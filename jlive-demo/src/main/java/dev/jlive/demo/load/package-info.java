/**
 * A bounded load driver for the shop: a few threads playing customers over real HTTP on the
 * loopback interface, reporting throughput, errors and latency percentiles as they go.
 */
package dev.jlive.demo.load;

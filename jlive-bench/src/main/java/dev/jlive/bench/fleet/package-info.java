/**
 * Fifty small look-alike classes, and the application that loads them, for timing a wildcard probe
 * that installs into many classes at once.
 */
package dev.jlive.bench.fleet;

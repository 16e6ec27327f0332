/**
 * HAProxy on this machine, for the demo and the tests: {@link dev.tollgate.router.local.HaproxySandbox} starts
 * HAProxy (the installed package, a child process) on a config built from the documented lines
 * ({@link dev.tollgate.router.local.HaproxyConfig}), in front of two tiny HTTP backends per service
 * ({@link dev.tollgate.router.local.Backend}), with its access log shipped over UDP syslog; a
 * {@link dev.tollgate.router.local.LoadGenerator} sends requests through it. Not for production: a real deployment
 * runs its own HAProxy and {@code tollgate router haproxy ship-logs}.
 */
package dev.tollgate.router.local;

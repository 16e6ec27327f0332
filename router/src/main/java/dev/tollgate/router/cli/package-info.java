/** The {@code tollgate router} command line: {@code haproxy rollout start}, {@code haproxy ship-logs}, {@code status}. */
package dev.tollgate.router.cli;

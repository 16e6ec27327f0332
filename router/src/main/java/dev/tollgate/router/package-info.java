/**
 * Routers that follow Tollgate's decisions: {@link dev.tollgate.router.HaproxyRouter} shifts HAProxy server
 * weights through the runtime API on each {@code GateDecision} and publishes a {@code RolloutEvent} per shift;
 * {@link dev.tollgate.router.AccessLogShipper} turns HAProxy's access log into {@code RequestLog} events. Depends
 * on the event contract (schemas) and kafka-clients only.
 */
package dev.tollgate.router;

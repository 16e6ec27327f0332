/**
 * Pure gate math of Tollgate: the λ rule ({@link dev.tollgate.topology.math.LambdaRule}), ΔS
 * ({@link dev.tollgate.topology.math.DeltaS}), side-effect dedupe keys
 * ({@link dev.tollgate.topology.math.DedupeKeys}), the mergeable least-squares accumulator
 * ({@link dev.tollgate.topology.math.LinearTrend}) and
 * the distribution quantiles behind them ({@link dev.tollgate.topology.math.Distributions}).
 * JDK only: no Kafka types, no logging.
 */
package dev.tollgate.topology.math;

/**
 * Anytime-valid statistics for the gates: time-uniform confidence sequences that stay valid when a gate is
 * re-evaluated on every tick (Ville's inequality on nonnegative mixture martingales).
 *
 * <ul>
 *   <li>{@link dev.tollgate.topology.stats.BernoulliConfidenceSequence}: a rate (beta-binomial mixture);</li>
 *   <li>{@link dev.tollgate.topology.stats.RateDifference}: canary − baseline rate (union bound);</li>
 *   <li>{@link dev.tollgate.topology.stats.QuantileConfidenceSequence}: a quantile from exact order statistics
 *       or a relative-error sketch;</li>
 *   <li>{@link dev.tollgate.topology.stats.QuantileRatio}: canary / baseline quantile (union bound).</li>
 * </ul>
 * Pure JDK; no Kafka types. All bounds come as an {@link dev.tollgate.topology.stats.Interval}.
 */
package dev.tollgate.topology.stats;

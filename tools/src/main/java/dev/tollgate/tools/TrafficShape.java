package dev.tollgate.tools;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * How one revision behaves in a simulation. Every field has a healthy default; a scenario file overrides the
 * ones it names (for the baseline, for the canary on top of the baseline, and per step).
 */
@JsonIgnoreProperties(value = {"description"})
public final class TrafficShape implements Cloneable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Share of requests answered 5xx. */
    public double errorRate = 0.0;
    /** Median latency (ms) of the log-normal latency. */
    public double latencyMedianMs = 80;
    /** Sigma of the log-normal latency (0.2: p95 about 1.4 x the median). */
    public double latencySigma = 0.2;
    /** Multiplier on every latency (a regression of 30 %: 1.3). */
    public double latencyFactor = 1.0;
    /** Share of requests that hit a cold instance. */
    public double coldStartRate = 0.0;
    /** Share of requests that are POSTs carrying an Idempotency-Key. */
    public double postShare = 0.2;
    /** Share of POSTs delivered a second time (client retries) with the same key. */
    public double retryShare = 0.01;
    /** Share of retried POSTs the serving revision answers from its idempotency store. */
    public double dedupeHitShare = 1.0;
    /** Share of requests carrying an X-Release pin (half canary, half baseline). */
    public double pinnedShare = 0.01;
    /** Share of pinned requests the router sends to the other revision. */
    public double misroutedShare = 0.0;
    /** Share of requests that are streamed responses. */
    public double streamShare = 0.05;
    /** Share of streamed responses that are CUT (on the revision with this shape). */
    public double cutShare = 0.0;
    /** Share of requests carrying the other revision's schemaRev pin (clients on an old schema). */
    public double pinSkewShare = 0.0;
    /** Side effects (webhooks) executed per second by the whole service. */
    public double sideEffectsPerSecond = 40;
    /** Share of this revision's side effects executed again with the same dedupe key. */
    public double sideEffectRepeatShare = 0.0;
    /** Queue messages worked per second by the whole service. */
    public double queueWorkPerSecond = 20;
    /** Trend of queue_age_ms in ms per second while this revision serves (weighted by traffic share). */
    public double queueAgeSlope = -2;
    /** warm_instances reported for this revision. */
    public double warmInstances = 6;
    /** expected_p50_load reported for this revision. */
    public double expectedLoad = 4;
    /** Mean ΔS of the probe answers. */
    public double probeDeltaS = 0.25;
    /** Added to every probe ΔS of this revision (semantic drift). */
    public double probeDrift = 0.0;
    /** λ shape of the probe trajectories: convergent, divergent or chaotic. */
    public String probeTrajectory = "convergent";

    /** A copy with the fields named in {@code overrides} replaced. */
    public TrafficShape with(JsonNode overrides) {
        TrafficShape copy = copy();
        if (overrides == null || overrides.isNull() || overrides.isMissingNode()) {
            return copy;
        }
        try {
            return MAPPER.readerForUpdating(copy).readValue(overrides);
        } catch (IOException e) {
            throw new IllegalArgumentException("bad traffic shape " + overrides + ": " + e.getMessage(), e);
        }
    }

    public TrafficShape copy() {
        try {
            return (TrafficShape) clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }
}

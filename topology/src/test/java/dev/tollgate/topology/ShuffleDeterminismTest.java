package dev.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.MetricSample;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.topology.gates.GateIds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

/**
 * Issue 3, scenario 11: decisions are a pure function of the events. The same events fed in timestamp order
 * and shuffled within the grace period give identical gate results and decisions; an event later than the
 * grace is dropped, counted in the {@code late-events} metric, and changes nothing.
 */
class ShuffleDeterminismTest {
    private static final long T0 = 1_767_000_000_000L;
    private static final long STEP_MS = 40_000;
    private static final int RPS = 250;
    /** Arrival jitter: an event may arrive after events up to this much newer (grace is 2,000 ms). */
    private static final long MAX_DISPLACEMENT_MS = 1_500;

    /** Source idle time of the per-source watermark runs: longer than the sparsest topic's gap (40 s). */
    private static final long SOURCE_IDLE_MS = 60_000;

    private static final String REGRESSING = "checkout";
    private static final String HEALTHY = "search";

    /** One input event: where it goes, its value and its event time. */
    private record Event(Topic topic, String service, SpecificRecord value, long ts) {}

    private enum Topic {
        REQUESTS,
        METRICS,
        ROLLOUTS
    }

    /** Steps 5 → 25 → 50 → 100 % so even the first step has canary traffic; issue-4 gates disabled. */
    private static GatePolicy policy() {
        return Scenario.requestGatesPolicy()
                .setSteps(List.of(5.0, 25.0, 50.0, 100.0))
                .setMinSamples(200)
                .setMinStepDurationMs(30_000)
                .setWarmupMs(5_000)
                .build();
    }

    /**
     * The events of one service: a rollout event starting each step every 40 s (5, 25, 50 %), warm capacity
     * at every step, and {@link #RPS} requests per second split by the step's share. The canary's 5xx share
     * is {@code canaryErrorRate} from step {@code badStep} on (0 before; the baseline is always 0).
     */
    private static List<Event> service(String service, long seed, int steps, int badStep, double canaryErrorRate) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] shares = {5, 25, 50};
        List<Event> out = new ArrayList<>();
        for (int step = 0; step < steps; step++) {
            long start = T0 + step * STEP_MS;
            out.add(new Event(
                    Topic.ROLLOUTS,
                    service,
                    RolloutEvent.newBuilder()
                            .setService(service)
                            .setReleaseId("rel-1")
                            .setTimestamp(start)
                            .setBaselineRevision(Scenario.BASE)
                            .setCanaryRevision(Scenario.CANARY)
                            .setPhase(step == 0 ? RolloutPhase.STARTED : RolloutPhase.STEP)
                            .setStepIndex(step)
                            .setTrafficPercent(shares[step])
                            .build(),
                    start));
            out.add(metric(service, start + 500, "warm_instances", 10));
            out.add(metric(service, start + 500, "expected_p50_load", 4));
            for (long t = start; t < start + STEP_MS; t += 1_000 / RPS) {
                boolean canary = random.nextDouble() * 100 < shares[step];
                double errorRate = canary && step >= badStep ? canaryErrorRate : 0;
                out.add(request(
                        service,
                        canary ? Scenario.CANARY : Scenario.BASE,
                        t,
                        random.nextDouble() < errorRate,
                        80 * Math.exp(0.1 * gaussian(random))));
            }
        }
        return out;
    }

    private static Event metric(String service, long ts, String name, double value) {
        return new Event(
                Topic.METRICS,
                service,
                MetricSample.newBuilder()
                        .setService(service)
                        .setRevision(Scenario.CANARY)
                        .setTimestamp(ts)
                        .setName(name)
                        .setValue(value)
                        .build(),
                ts);
    }

    private static Event request(String service, String revision, long ts, boolean error, double latencyMs) {
        return new Event(
                Topic.REQUESTS,
                service,
                RequestLog.newBuilder()
                        .setService(service)
                        .setReleaseId("rel-1")
                        .setRevision(revision)
                        .setTimestamp(ts)
                        .setStatus(error ? 503 : 200)
                        .setLatencyMs(latencyMs)
                        .setMethod("GET")
                        .build(),
                ts);
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /** Both services' events in timestamp order (stable: same-time events keep their generation order). */
    private static List<Event> inOrder(List<Event> a, List<Event> b) {
        List<Event> all = new ArrayList<>(a);
        all.addAll(b);
        all.sort(Comparator.comparingLong(Event::ts));
        return all;
    }

    /**
     * The same events in a shuffled arrival order: each event arrives at its timestamp plus a random delay
     * in [0, 1500) ms, so an event arrives after a newer one only if that one is less than 1,500 ms newer,
     * always within the 2,000 ms grace. Timestamps are unchanged.
     */
    private static List<Event> shuffled(List<Event> ordered, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] arrival = new long[ordered.size()];
        List<Integer> idx = new ArrayList<>(ordered.size());
        for (int i = 0; i < ordered.size(); i++) {
            arrival[i] = ordered.get(i).ts() + random.nextLong(MAX_DISPLACEMENT_MS);
            idx.add(i);
        }
        idx.sort(Comparator.<Integer>comparingLong(i -> arrival[i]).thenComparingInt(i -> i));
        return idx.stream().map(ordered::get).toList();
    }

    /** Feeds events through a fresh topology and returns it with every output collected. */
    private static Scenario run(List<Event> events) {
        return run(events, TopologySettings.defaults("mock://x"), null);
    }

    /**
     * Feeds events through a fresh topology with {@code settings}; with {@code arrivals} (wall-clock ms of each
     * event's arrival, relative to the first) the driver's wall clock follows them, and after the last event it
     * moves on by more than the source idle time, as a live run's clock would.
     */
    private static Scenario run(List<Event> events, TopologySettings settings, long[] arrivals) {
        Scenario s = new Scenario(0, T0, settings);
        s.policy("*", policy());
        long wall = 0;
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            if (arrivals != null && arrivals[i] > wall) {
                s.driver.advanceWallClockTime(java.time.Duration.ofMillis(arrivals[i] - wall));
                wall = arrivals[i];
            }
            switch (e.topic()) {
                case REQUESTS -> s.requests.pipeInput(e.service(), e.value(), e.ts());
                case METRICS -> s.metrics.pipeInput(e.service(), e.value(), e.ts());
                case ROLLOUTS -> s.rollouts.pipeInput(e.service(), e.value(), e.ts());
                default -> throw new IllegalStateException();
            }
        }
        if (arrivals != null) {
            s.driver.advanceWallClockTime(java.time.Duration.ofMillis(2 * SOURCE_IDLE_MS));
        }
        s.collect();
        return s;
    }

    private static List<GateDecision> decisions(Scenario s, String service) {
        return s.decisions.stream().filter(d -> d.getService().equals(service)).toList();
    }

    private static List<GateResult> results(Scenario s, String service) {
        return s.gateResults.stream()
                .filter(r -> r.getService().equals(service))
                .toList();
    }

    private static double metricTotal(Scenario s, String metricName) {
        double total = 0;
        for (var e : s.driver.metrics().entrySet()) {
            if (e.getKey().name().equals(metricName)) {
                total += ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return total;
    }

    private static double lateEventsTotal(Scenario s) {
        double total = 0;
        for (var e : s.driver.metrics().entrySet()) {
            MetricName name = e.getKey();
            Metric metric = e.getValue();
            if (name.name().equals("late-events-total")) {
                total += ((Number) metric.metricValue()).doubleValue();
            }
        }
        return total;
    }

    @Test
    void shouldDecideIdenticallyWhenEventsArriveShuffledWithinTheGracePeriod() {
        // given a rollout with +2 pp 5xx on the canary at 25 % and a healthy one, interleaved
        List<Event> ordered = inOrder(service(REGRESSING, 1, 2, 1, 0.02), service(HEALTHY, 2, 3, 99, 0));
        List<Event> shuffled = shuffled(ordered, 7);
        long displaced = 0;
        long maxSeen = Long.MIN_VALUE;
        long maxLateness = 0;
        for (Event e : shuffled) {
            if (e.ts() < maxSeen) {
                displaced++;
                maxLateness = Math.max(maxLateness, maxSeen - e.ts());
            }
            maxSeen = Math.max(maxSeen, e.ts());
        }
        assertThat(displaced).as("events arriving after a newer one").isGreaterThan(ordered.size() / 2);
        assertThat(maxLateness).isGreaterThan(1_000).isLessThan(MAX_DISPLACEMENT_MS);

        // when both orders go through fresh topologies
        try (Scenario a = run(ordered);
                Scenario b = run(shuffled)) {
            // then the in-order run decided what the scenario is about
            List<GateDecision> bad = decisions(a, REGRESSING);
            assertThat(bad).extracting(GateDecision::getAction).containsExactly(Action.PROMOTE, Action.ROLLBACK);
            assertThat(bad.get(1).getTrafficPercent()).isEqualTo(25.0);
            assertThat(bad.get(1).getFailingGates()).containsExactly(GateIds.ERROR_RATE);
            List<GateDecision> good = decisions(a, HEALTHY);
            assertThat(good)
                    .extracting(GateDecision::getAction)
                    .containsExactly(Action.PROMOTE, Action.PROMOTE, Action.PROMOTE);
            assertThat(good).extracting(GateDecision::getNextTrafficPercent).containsExactly(25.0, 50.0, 100.0);
            assertThat(results(a, REGRESSING)).hasSizeGreaterThan(20);
            assertThat(results(a, HEALTHY)).hasSizeGreaterThan(20);

            // and the shuffled run published exactly the same decisions and gate results, field for field
            for (String service : List.of(REGRESSING, HEALTHY)) {
                assertThat(decisions(b, service)).as("decisions of %s", service).isEqualTo(decisions(a, service));
                assertThat(results(b, service))
                        .as("gate results of %s", service)
                        .isEqualTo(results(a, service));
            }
            assertThat(b.decisions).containsExactlyInAnyOrderElementsOf(a.decisions);
            assertThat(b.gateResults).containsExactlyInAnyOrderElementsOf(a.gateResults);
            assertThat(lateEventsTotal(b)).as("nothing was late").isZero();
        }
    }

    @Test
    void shouldDropCountAndNameEventsOfADecidedStepWithoutChangingADecision() {
        // given a healthy rollout, and the same events plus twenty canary 5xx of step 0 that arrive 50 s late,
        // in step 1 (step 0 was decided at 30 s)
        List<Event> ordered = service(HEALTHY, 3, 2, 99, 0);
        List<Event> withLate = new ArrayList<>();
        int late = 0;
        for (Event e : ordered) {
            withLate.add(e);
            if (e.ts() == T0 + 60_000 && e.topic() == Topic.REQUESTS) {
                for (int i = 0; i < 20; i++) {
                    withLate.add(request(HEALTHY, Scenario.CANARY, T0 + 10_000 + i, true, 80));
                    late++;
                }
            }
        }
        assertThat(late).isEqualTo(20);

        // when both go through fresh topologies
        try (Scenario a = run(ordered);
                Scenario b = run(withLate)) {
            // then the late events changed no decision
            assertThat(decisions(a, HEALTHY))
                    .extracting(GateDecision::getAction)
                    .containsExactly(Action.PROMOTE, Action.PROMOTE);
            assertThat(b.decisions).isEqualTo(a.decisions);
            // and every one of them was counted as late
            assertThat(lateEventsTotal(a)).isZero();
            assertThat(lateEventsTotal(b)).isEqualTo(20.0);
            // and the next result of each request gate of step 1 names them, once
            String note = "20 request logs dropped as late (their step was decided already)";
            List<GateResult> naming = b.gateResults.stream()
                    .filter(r -> r.getDetail().contains(note))
                    .toList();
            assertThat(naming)
                    .extracting(GateResult::getGate)
                    .contains(GateIds.ERROR_RATE, GateIds.LATENCY_P95, GateIds.COLD_START)
                    .doesNotContain(GateIds.WARM_CAPACITY)
                    .doesNotHaveDuplicates();
            assertThat(naming).allSatisfy(r -> {
                assertThat(r.getStepIndex()).isEqualTo(1);
                // the first evaluation after their arrival (the watermark trails the latest event by the grace)
                assertThat(r.getEvaluatedAt()).isBetween(T0 + 57_000L, T0 + 61_000L);
            });
            // and without the note everything published is as without them, plus the results published only to
            // name them
            List<GateResult> stripped = stripNote(b.gateResults, note);
            assertThat(stripped).containsSubsequence(a.gateResults);
            List<GateResult> extra = new ArrayList<>(stripped);
            a.gateResults.forEach(extra::remove);
            assertThat(stripNote(naming, note)).containsAll(extra);
        }
    }

    /** The results with {@code note} taken out of their reasons (a result due anyway also carries it in its detail). */
    private static List<GateResult> stripNote(List<GateResult> results, String note) {
        return results.stream()
                .map(r -> GateResult.newBuilder(r)
                        .setDetail(r.getDetail().replace("; " + note, ""))
                        .build())
                .toList();
    }

    /**
     * Arrival (wall-clock) times of the events when each topic lags by its own delay (up to 20 s, ten times the
     * grace) plus a jitter within the grace: within a topic events stay ordered within the grace, across topics
     * any skew. Returned in arrival order, with each event's arrival time relative to the first.
     */
    private record Arrivals(List<Event> events, long[] wall) {}

    private static Arrivals skewedByTopic(List<Event> ordered, long seed, Map<Topic, Long> lag) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] arrival = new long[ordered.size()];
        List<Integer> idx = new ArrayList<>(ordered.size());
        for (int i = 0; i < ordered.size(); i++) {
            Event e = ordered.get(i);
            arrival[i] = e.ts() + lag.get(e.topic()) + random.nextLong(MAX_DISPLACEMENT_MS);
            idx.add(i);
        }
        idx.sort(Comparator.<Integer>comparingLong(i -> arrival[i]).thenComparingInt(i -> i));
        List<Event> events = idx.stream().map(ordered::get).toList();
        long first = arrival[idx.get(0)];
        long[] wall = idx.stream().mapToLong(i -> arrival[i] - first).toArray();
        return new Arrivals(events, wall);
    }

    @Test
    void shouldDecideIdenticallyWhateverTheSkewBetweenTopicsWithPerSourceWatermarks() {
        // given the two rollouts in order, and the same events arriving with each topic lagging by its own delay
        List<Event> ordered = inOrder(service(REGRESSING, 1, 2, 1, 0.02), service(HEALTHY, 2, 3, 99, 0));
        TopologySettings live =
                TopologySettings.defaults("mock://x").withLive(new LiveSettings(0, 0, 0, false, SOURCE_IDLE_MS));
        List<Map<Topic, Long>> lags = List.of(
                Map.of(Topic.REQUESTS, 0L, Topic.METRICS, 15_000L, Topic.ROLLOUTS, 8_000L),
                Map.of(Topic.REQUESTS, 20_000L, Topic.METRICS, 0L, Topic.ROLLOUTS, 5_000L),
                Map.of(Topic.REQUESTS, 3_000L, Topic.METRICS, 9_000L, Topic.ROLLOUTS, 0L));
        try (Scenario expected = run(ordered)) {
            assertThat(decisions(expected, REGRESSING))
                    .extracting(GateDecision::getAction)
                    .containsExactly(Action.PROMOTE, Action.ROLLBACK);
            for (int i = 0; i < lags.size(); i++) {
                Arrivals skewed = skewedByTopic(ordered, 11 + i, lags.get(i));

                // when they go through a topology with per-source watermarks, the wall clock following arrival
                try (Scenario b = run(skewed.events(), live, skewed.wall())) {
                    // then it publishes exactly the same decisions and gate results, and nothing is late
                    for (String service : List.of(REGRESSING, HEALTHY)) {
                        assertThat(decisions(b, service))
                                .as("decisions of %s with lags %s", service, lags.get(i))
                                .isEqualTo(decisions(expected, service));
                        assertThat(results(b, service))
                                .as("gate results of %s with lags %s", service, lags.get(i))
                                .isEqualTo(results(expected, service));
                    }
                    assertThat(lateEventsTotal(b)).isZero();
                    assertThat(metricTotal(b, "late-merged-events-total")).isZero();
                }
            }
        }
    }

    @Test
    void shouldCountEventsLateWithoutPerSourceWatermarksWhenTopicsAreSkewed() {
        // given the same events with metrics and rollouts lagging 15 s and 8 s behind requests
        List<Event> ordered = inOrder(service(REGRESSING, 1, 2, 1, 0.02), service(HEALTHY, 2, 3, 99, 0));
        Arrivals skewed =
                skewedByTopic(ordered, 11, Map.of(Topic.REQUESTS, 0L, Topic.METRICS, 15_000L, Topic.ROLLOUTS, 8_000L));

        // when they go through a topology that takes each service's latest event time as its clock
        try (Scenario b = run(skewed.events(), TopologySettings.defaults("mock://x"), skewed.wall());
                Scenario expected = run(ordered)) {
            // then metric samples are late (what per-source watermarks prevent) and decisions differ
            assertThat(lateEventsTotal(b)).isPositive();
            assertThat(b.decisions).isNotEqualTo(expected.decisions);
        }
    }
}

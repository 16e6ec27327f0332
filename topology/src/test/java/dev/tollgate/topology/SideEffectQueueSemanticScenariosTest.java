package dev.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.GateSettings;
import dev.tollgate.schemas.avro.MetricSample;
import dev.tollgate.schemas.avro.ProbeResult;
import dev.tollgate.schemas.avro.QueueWork;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.SideEffect;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.gates.GateIds;
import dev.tollgate.topology.gates.Gates;
import dev.tollgate.topology.math.DedupeKeys;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.Test;

/**
 * Issue 4's scenarios end to end through the real topology: side effects, idempotent POSTs, queue fencing,
 * queue age, semantic drift and λ. Each scenario enables only the gate under test and {@code error-rate}
 * (so a healthy step can PROMOTE), plays baseline/canary request traffic with {@link Scenario#play} and
 * pipes the gate's own evidence in event-time order alongside it.
 */
class SideEffectQueueSemanticScenariosTest {
    private static final long T0 = 1_767_000_000_000L;
    private static final int RPS = 500;
    private static final String RELEASE = "rel-1";

    // ------------------------------------------------------------------ fixture

    /** A policy with only {@code error-rate} and the given gates enabled. */
    private static GatePolicy.Builder only(String... gates) {
        Set<String> on = Set.of(gates);
        Map<String, GateSettings> settings = new HashMap<>();
        for (String g : Gates.ids()) {
            if (!g.equals(GateIds.ERROR_RATE) && !on.contains(g)) {
                settings.put(g, GateSettings.newBuilder().setEnabled(false).build());
            }
        }
        return GatePolicy.newBuilder()
                .setGates(settings)
                .setMinSamples(100)
                .setMinStepDurationMs(30_000)
                .setWarmupMs(10_000)
                .setNoDataTimeoutMs(60_000);
    }

    /** A started 1 % step of a healthy canary (no 5xx on either revision) under {@code policy}. */
    private static Scenario started(long seed, GatePolicy policy) {
        Scenario s = new Scenario(seed, T0);
        s.policy("*", policy);
        s.baseline.errorRate = 0;
        s.canary.errorRate = 0;
        s.baseline.latencySigma = 0.1;
        s.canary.latencySigma = 0.1;
        s.rollout(RolloutPhase.STARTED, 0, 1);
        return s;
    }

    /**
     * Plays {@code seconds} of traffic one second at a time; after each second {@code extra} may pipe events
     * stamped inside the second just played ({@code s.now - 1000 .. s.now - 1}), so everything stays in order.
     */
    private static void play(Scenario s, int seconds, IntConsumer extra) {
        for (int i = 0; i < seconds; i++) {
            s.play(1, RPS);
            extra.accept(i);
        }
        s.collect();
    }

    private static void sideEffect(Scenario s, String revision, long ts, String sourceId) {
        s.sideEffects.pipeInput(
                Scenario.SERVICE,
                SideEffect.newBuilder()
                        .setService(Scenario.SERVICE)
                        .setReleaseId(RELEASE)
                        .setRevision(revision)
                        .setTimestamp(ts)
                        .setKind("webhook")
                        .setSourceId(sourceId)
                        .setEventRev("3")
                        .setIndexHash("idx-a")
                        .build(),
                ts);
    }

    private static void post(Scenario s, String revision, long ts, String idempotencyKey, boolean dedupeHit) {
        s.requests.pipeInput(
                Scenario.SERVICE,
                RequestLog.newBuilder()
                        .setService(Scenario.SERVICE)
                        .setReleaseId(RELEASE)
                        .setRevision(revision)
                        .setTimestamp(ts)
                        .setStatus(200)
                        .setLatencyMs(80)
                        .setMethod("POST")
                        .setIdempotencyKey(idempotencyKey)
                        .setDedupeHit(dedupeHit)
                        .build(),
                ts);
    }

    private static void work(Scenario s, String revision, long ts, int partition, long offset, String fence) {
        s.queueWork.pipeInput(
                Scenario.SERVICE,
                QueueWork.newBuilder()
                        .setService(Scenario.SERVICE)
                        .setReleaseId(RELEASE)
                        .setRevision(revision)
                        .setTimestamp(ts)
                        .setQueue("orders")
                        .setPartition(partition)
                        .setOffset(offset)
                        .setFence(fence)
                        .build(),
                ts);
    }

    private static void queueAge(Scenario s, long ts, String partition, double ageMs) {
        s.metrics.pipeInput(
                Scenario.SERVICE,
                MetricSample.newBuilder()
                        .setService(Scenario.SERVICE)
                        .setTimestamp(ts)
                        .setName("queue_age_ms")
                        .setValue(ageMs)
                        .setLabels(Map.of("partition", partition))
                        .build(),
                ts);
    }

    private static void probe(
            Scenario s, String revision, long ts, int question, long seed, double deltaS, List<Double> trajectory) {
        s.probes.pipeInput(
                Scenario.SERVICE,
                ProbeResult.newBuilder()
                        .setService(Scenario.SERVICE)
                        .setReleaseId(RELEASE)
                        .setRevision(revision)
                        .setTimestamp(ts)
                        .setProbeSet("rag-v1")
                        .setQuestionId("q" + question)
                        .setSeed(seed)
                        .setDeltaS(deltaS)
                        .setTrajectory(trajectory)
                        .build(),
                ts);
    }

    private static GateResult last(Scenario s, String gate) {
        List<GateResult> r = s.resultsFor(gate);
        assertThat(r).as("results of %s", gate).isNotEmpty();
        return r.get(r.size() - 1);
    }

    private static GateDecision decision(Scenario s, Action action) {
        s.collect();
        return s.decisions.stream()
                .filter(d -> d.getAction() == action)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + action + " among " + s.decisions));
    }

    private static void assertNoRollback(Scenario s) {
        assertThat(s.decisions).extracting(GateDecision::getAction).doesNotContain(Action.ROLLBACK, Action.FREEZE);
    }

    // ------------------------------------------------------------------ 1. webhook storm

    @Test
    void shouldRollBackWhenAWebhookDeliveredTwiceIsExecutedByBothRevisions() {
        try (Scenario s = started(11, only(GateIds.SIDE_EFFECTS).build())) {
            // given the same source event delivered twice after the deploy, once to each revision, and
            // neither delivery deduped: both execute the webhook
            play(s, 40, i -> {
                if (i == 5) {
                    post(s, Scenario.BASE, s.now - 900, "evt-42", false);
                    sideEffect(s, Scenario.BASE, s.now - 899, "evt-42");
                    post(s, Scenario.CANARY, s.now - 500, "evt-42", false);
                    sideEffect(s, Scenario.CANARY, s.now - 499, "evt-42");
                }
            });

            // then side-effects fails and the step rolls back, naming the gate, key, kind and both revisions
            GateDecision d = decision(s, Action.ROLLBACK);
            assertThat(d.getFailingGates()).containsExactly(GateIds.SIDE_EFFECTS);
            String key = DedupeKeys.sideEffectKey(null, "evt-42", "3", "idx-a");
            assertThat(d.getReasons())
                    .anySatisfy(r -> assertThat(r)
                            .startsWith("side-effects FAIL: 1 duplicate")
                            .contains("key " + key)
                            .contains("kind webhook")
                            .contains("executed by rev-1 and rev-2")
                            .contains("remedy: dedupe side effects"));
            assertThat(s.decisions).extracting(GateDecision::getAction).doesNotContain(Action.PROMOTE);
            GateResult r = last(s, GateIds.SIDE_EFFECTS);
            assertThat(r.getVerdict()).isEqualTo(Verdict.FAIL);
            assertThat(r.getDelta()).isEqualTo(1.0);
        }
    }

    @Test
    void shouldPassWhenAWebhookDeliveredTwiceIsDedupedAndExecutedOnce() {
        try (Scenario s = started(12, only(GateIds.SIDE_EFFECTS).build())) {
            // given the same source event delivered twice, the second delivery answered from the
            // idempotency store: the webhook executes once
            play(s, 40, i -> {
                if (i == 5) {
                    post(s, Scenario.BASE, s.now - 900, "evt-42", false);
                    sideEffect(s, Scenario.BASE, s.now - 899, "evt-42");
                    post(s, Scenario.CANARY, s.now - 500, "evt-42", true);
                }
            });

            // then side-effects passes and the step promotes
            GateResult r = last(s, GateIds.SIDE_EFFECTS);
            assertThat(r.getVerdict()).isEqualTo(Verdict.PASS);
            assertThat(r.getDetail()).startsWith("side-effects PASS: 0 duplicate side effects of 1");
            assertNoRollback(s);
            assertThat(decision(s, Action.PROMOTE).getNextTrafficPercent()).isEqualTo(5.0);
        }
    }

    // ------------------------------------------------------------------ 2. duplicate POSTs

    /**
     * 1,000 duplicate canary POSTs over 20 s (each idempotency key delivered twice); the second delivery of
     * the keys in {@code notDeduped} is executed again instead of being answered from the store.
     */
    private static Scenario duplicates(long seed, Set<Integer> notDeduped) {
        Scenario s = started(seed, only(GateIds.DEDUPE).build());
        play(s, 40, i -> {
            if (i < 20) {
                for (int j = 0; j < 50; j++) {
                    int key = i * 50 + j;
                    long ts = s.now - 1_000 + j * 20;
                    post(s, Scenario.CANARY, ts, "pay-" + key, false);
                    post(s, Scenario.CANARY, ts + 10, "pay-" + key, !notDeduped.contains(key));
                }
            }
        });
        return s;
    }

    @Test
    void shouldPassOneOfAThousandDuplicatePostsNotDeduped() {
        try (Scenario s = duplicates(21, Set.of(3))) {
            // then 999/1000 = 0.999 >= 0.999 passes once all 1,000 duplicates are in, and the step promotes
            GateResult r = last(s, GateIds.DEDUPE);
            assertThat(r.getVerdict()).isEqualTo(Verdict.PASS);
            assertThat(r.getCanarySamples()).isEqualTo(1_000);
            assertThat(r.getCanaryValue()).isCloseTo(0.999, within(1e-12));
            assertNoRollback(s);
            assertThat(decision(s, Action.PROMOTE)).isNotNull();
        }
    }

    /**
     * 2 of 1,000 duplicate POSTs executed again: the share over the first 1,000 duplicate deliveries can be at
     * most 0.998 < 0.999 once the second one happens, so the executed-duplicate budget fails the gate there
     * (an observed double execution, not an inference; DedupeGate).
     */
    @Test
    void shouldRollBackWhenTwoOfAThousandDuplicatePostsAreNotDeduped() {
        try (Scenario s = duplicates(22, Set.of(300, 700))) {
            // then dedupe fails once the second miss is in, naming the budget, and the step rolls back
            GateDecision d = decision(s, Action.ROLLBACK);
            assertThat(d.getFailingGates()).containsExactly(GateIds.DEDUPE);
            assertThat(d.getReasons())
                    .anySatisfy(
                            r -> assertThat(r)
                                    .startsWith("dedupe FAIL")
                                    .contains(
                                            "2 duplicate POSTs executed again, over the budget of 1 in the first 1000 duplicate"
                                                    + " deliveries (share there at most 0.9980 < threshold 0.9990 whatever follows)"));
            GateResult firstFail = s.resultsFor(GateIds.DEDUPE).stream()
                    .filter(r -> r.getVerdict() == Verdict.FAIL)
                    .findFirst()
                    .orElseThrow();
            assertThat(firstFail.getCanarySamples()).isBetween(701L, 1_000L);
            assertThat(firstFail.getCanaryValue())
                    .isCloseTo((firstFail.getCanarySamples() - 2.0) / firstFail.getCanarySamples(), within(1e-12));
            // before the second miss the gate never failed
            assertThat(s.resultsFor(GateIds.DEDUPE).stream().filter(r -> r.getCanarySamples() < 701))
                    .extracting(GateResult::getVerdict)
                    .doesNotContain(Verdict.FAIL);
            assertThat(s.decisions).extracting(GateDecision::getAction).doesNotContain(Action.PROMOTE);
        }
    }

    @Test
    void shouldRollBackWhenTwoPercentOfDuplicatePostsAreExecutedAgain() {
        // given 20 of 1,000 duplicate POSTs executed again (0.98, a clear regression)
        Set<Integer> misses = new HashSet<>();
        for (int k = 25; k < 1_000; k += 50) {
            misses.add(k);
        }
        try (Scenario s = duplicates(23, misses)) {
            // then dedupe fails (budget and confidence sequence alike) and the step rolls back
            GateDecision d = decision(s, Action.ROLLBACK);
            assertThat(d.getFailingGates()).containsExactly(GateIds.DEDUPE);
            assertThat(d.getReasons()).anySatisfy(r -> assertThat(r).startsWith("dedupe FAIL"));
            assertThat(s.resultsFor(GateIds.DEDUPE))
                    .extracting(GateResult::getVerdict)
                    .contains(Verdict.FAIL);
        }
    }

    // ------------------------------------------------------------------ 3. queue fence

    @Test
    void shouldRollBackWhenTwoRevisionsWorkTheSamePartitionOffsets() {
        try (Scenario s = started(31, only(GateIds.QUEUE_FENCE).build())) {
            // given the baseline works offsets 100.. of partition 3, and from second 10 the canary reads
            // the same partition from an offset the baseline already worked
            play(s, 40, i -> {
                work(s, Scenario.BASE, s.now - 800, 3, 100 + i, RELEASE);
                if (i >= 10) {
                    work(s, Scenario.CANARY, s.now - 400, 3, 100 + i - 5, RELEASE);
                }
            });

            // then queue-fence fails naming the partition and both revisions, and the step rolls back
            GateDecision d = decision(s, Action.ROLLBACK);
            assertThat(d.getFailingGates()).containsExactly(GateIds.QUEUE_FENCE);
            assertThat(d.getReasons())
                    .anySatisfy(r -> assertThat(r)
                            .startsWith("queue-fence FAIL")
                            .contains("queue orders partition 3 offset 105 worked by rev-1 and rev-2")
                            .contains("remedy: fence queue partitions"));
            assertThat(last(s, GateIds.QUEUE_FENCE).getVerdict()).isEqualTo(Verdict.FAIL);
        }
    }

    @Test
    void shouldPassWhenEachRevisionWorksItsOwnFencedPartition() {
        try (Scenario s = started(32, only(GateIds.QUEUE_FENCE).build())) {
            // given the baseline works partition 3 and the canary partition 4, both fenced with the release
            play(s, 40, i -> {
                work(s, Scenario.BASE, s.now - 800, 3, 100 + i, RELEASE);
                work(s, Scenario.CANARY, s.now - 400, 4, 100 + i, RELEASE);
            });

            // then
            assertThat(last(s, GateIds.QUEUE_FENCE).getVerdict()).isEqualTo(Verdict.PASS);
            assertNoRollback(s);
            assertThat(decision(s, Action.PROMOTE)).isNotNull();
        }
    }

    @Test
    void shouldRollBackWhenAWorkerFencedItsPartitionWithAnotherRelease() {
        try (Scenario s = started(33, only(GateIds.QUEUE_FENCE).build())) {
            // given a canary worker still fenced with the previous release
            play(s, 20, i -> work(s, Scenario.CANARY, s.now - 400, 4, 100 + i, i == 12 ? "rel-0" : RELEASE));

            // then
            GateDecision d = decision(s, Action.ROLLBACK);
            assertThat(d.getFailingGates()).containsExactly(GateIds.QUEUE_FENCE);
            assertThat(d.getReasons())
                    .anySatisfy(r ->
                            assertThat(r).contains("partition 4 fenced by rel-0 but worked by release rel-1 (rev-2)"));
        }
    }

    // ------------------------------------------------------------------ 4. queue age

    @Test
    void shouldRollBackWhenQueueAgeRisesTenMsPerSecond() {
        try (Scenario s = started(41, only(GateIds.QUEUE_AGE).build())) {
            // given partition 0's age rising 10 ms per second (with 20 ms noise) and partition 1 flat
            play(s, 40, i -> {
                queueAge(s, s.now - 500, "0", 200 + 10 * i + 20 * s.gaussian());
                queueAge(s, s.now - 500, "1", 200 + 20 * s.gaussian());
            });

            // then queue-age fails on partition 0 with the slope in ms/s, and the step rolls back
            GateDecision d = decision(s, Action.ROLLBACK);
            assertThat(d.getFailingGates()).containsExactly(GateIds.QUEUE_AGE);
            assertThat(d.getReasons())
                    .anySatisfy(r -> assertThat(r)
                            .startsWith("queue-age FAIL: partition 0 slope")
                            .contains("ms/s"));
            GateResult r = s.resultsFor(GateIds.QUEUE_AGE).stream()
                    .filter(x -> x.getVerdict() == Verdict.FAIL)
                    .findFirst()
                    .orElseThrow();
            assertThat(r.getCanaryValue()).isCloseTo(10.0, within(4.0));
            assertThat(r.getStatistic().getLowerBound()).isGreaterThan(0.0);
            assertThat(s.decisions).extracting(GateDecision::getAction).doesNotContain(Action.PROMOTE);
        }
    }

    @Test
    void shouldPassAFlatNoisyQueueAge() {
        try (Scenario s = started(42, only(GateIds.QUEUE_AGE).build())) {
            // given two partitions whose age is flat around 200 ms with 20 ms noise
            play(s, 40, i -> {
                queueAge(s, s.now - 500, "0", 200 + 20 * s.gaussian());
                queueAge(s, s.now - 500, "1", 200 + 20 * s.gaussian());
            });

            // then
            GateResult r = last(s, GateIds.QUEUE_AGE);
            assertThat(r.getVerdict()).isEqualTo(Verdict.PASS);
            assertThat(r.getCanaryValue()).isCloseTo(0.0, within(2.0));
            assertThat(s.resultsFor(GateIds.QUEUE_AGE))
                    .extracting(GateResult::getVerdict)
                    .doesNotContain(Verdict.FAIL);
            assertNoRollback(s);
            assertThat(decision(s, Action.PROMOTE)).isNotNull();
        }
    }

    // ------------------------------------------------------------------ 5. semantic drift

    /**
     * Both revisions answer the 10-question probe set on seeds 1 and 2, one question per second from second
     * 5; the baseline's ΔS of question q is 0.15 + 0.01 q and the canary's is that plus {@code canaryShift}.
     */
    private static Scenario probeSet(long seed, double canaryShift) {
        Scenario s = started(seed, only(GateIds.SEMANTIC_DRIFT).build());
        List<Double> convergent = List.of(0.4, 0.3, 0.25, 0.22, 0.21);
        play(s, 40, i -> {
            int q = i - 5;
            if (q >= 0 && q < 10) {
                for (long probeSeed = 1; probeSeed <= 2; probeSeed++) {
                    double base = 0.15 + 0.01 * q;
                    probe(s, Scenario.BASE, s.now - 800, q, probeSeed, base, convergent);
                    probe(s, Scenario.CANARY, s.now - 400, q, probeSeed, base + canaryShift, convergent);
                }
            }
        });
        return s;
    }

    @Test
    void shouldRollBackACanaryWhoseDeltaSIsFivePointsHigherOnTheProbeSet() {
        try (Scenario s = probeSet(51, 0.05)) {
            // then semantic-drift waited for the whole set, then failed, and the step rolled back
            List<GateResult> r = s.resultsFor(GateIds.SEMANTIC_DRIFT);
            assertThat(r).extracting(GateResult::getVerdict).contains(Verdict.INCONCLUSIVE);
            GateResult fail = r.stream()
                    .filter(x -> x.getVerdict() == Verdict.FAIL)
                    .findFirst()
                    .orElseThrow();
            assertThat(fail.getCanarySamples()).isEqualTo(10);
            assertThat(fail.getBaselineSamples()).isEqualTo(10);
            assertThat(fail.getDelta()).isCloseTo(0.05, within(1e-9));
            assertThat(fail.getBaselineValue()).isCloseTo(0.195, within(1e-9));
            GateDecision d = decision(s, Action.ROLLBACK);
            assertThat(d.getFailingGates()).containsExactly(GateIds.SEMANTIC_DRIFT);
            assertThat(d.getReasons())
                    .anySatisfy(
                            x -> assertThat(x).startsWith("semantic-drift FAIL").contains("10/10 questions"));
        }
    }

    @Test
    void shouldPassACanaryWhoseDeltaSIsOnePointHigherOnTheProbeSet() {
        try (Scenario s = probeSet(52, 0.01)) {
            // then
            GateResult r = last(s, GateIds.SEMANTIC_DRIFT);
            assertThat(r.getVerdict()).isEqualTo(Verdict.PASS);
            assertThat(r.getDelta()).isCloseTo(0.01, within(1e-9));
            assertNoRollback(s);
            assertThat(decision(s, Action.PROMOTE)).isNotNull();
        }
    }

    // ------------------------------------------------------------------ 6. lambda

    /** The canary answers the probe set on seeds 1 and 2; seed 2's trajectories are {@code seed2}. */
    private static Scenario trajectories(long seed, List<Double> seed2) {
        Scenario s = started(seed, only(GateIds.LAMBDA).build());
        List<Double> convergent = List.of(0.4, 0.3, 0.25, 0.22, 0.21);
        play(s, 40, i -> {
            int q = i - 5;
            if (q >= 0 && q < 10) {
                probe(s, Scenario.BASE, s.now - 900, q, 1, 0.2, convergent);
                probe(s, Scenario.CANARY, s.now - 800, q, 1, 0.2, convergent);
                probe(s, Scenario.CANARY, s.now - 400, q, 2, 0.2, seed2);
            }
        });
        return s;
    }

    @Test
    void shouldRollBackWhenOneSeedsTrajectoriesAreDivergent() {
        // given seed 2's trajectories end with a +0.03 step (divergent: Δ > 0.02)
        try (Scenario s = trajectories(61, List.of(0.30, 0.25, 0.28))) {
            // then lambda fails naming the seed and the step rolls back
            GateDecision d = decision(s, Action.ROLLBACK);
            assertThat(d.getFailingGates()).containsExactly(GateIds.LAMBDA);
            assertThat(d.getReasons())
                    .anySatisfy(r -> assertThat(r)
                            .startsWith("lambda FAIL")
                            .contains("on seed(s) 2")
                            .contains("DIVERGENT"));
            assertThat(s.decisions).extracting(GateDecision::getAction).doesNotContain(Action.PROMOTE);
        }
    }

    @Test
    void shouldPassWhenBothSeedsAreConvergent() {
        try (Scenario s = trajectories(62, List.of(0.35, 0.28, 0.24, 0.23))) {
            // then lambda waited for both seeds to answer the whole set, then passed
            List<GateResult> r = s.resultsFor(GateIds.LAMBDA);
            assertThat(r)
                    .extracting(GateResult::getVerdict)
                    .contains(Verdict.INCONCLUSIVE)
                    .doesNotContain(Verdict.FAIL);
            GateResult pass = last(s, GateIds.LAMBDA);
            assertThat(pass.getVerdict()).isEqualTo(Verdict.PASS);
            assertThat(pass.getCanarySamples()).isEqualTo(20);
            assertNoRollback(s);
            assertThat(decision(s, Action.PROMOTE)).isNotNull();
        }
    }

    // ------------------------------------------------------------------ 7. key retention

    private static long ledgerEntries(Scenario s) {
        WindowStore<String, String> store = s.driver.getWindowStore(Names.STORE_DEDUPE_KEYS);
        long n = 0;
        try (KeyValueIterator<Windowed<String>, String> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, String> kv = it.next();
                assertThat(kv.key.key()).startsWith(Scenario.SERVICE);
                n++;
            }
        }
        return n;
    }

    @Test
    void shouldExpireDedupeKeysOlderThanTheRetention() {
        try (Scenario s = started(
                71,
                only(GateIds.DEDUPE, GateIds.SIDE_EFFECTS, GateIds.QUEUE_FENCE).build())) {
            // given 100 idempotency keys, 20 side-effect keys and 30 worked offsets in the first minute
            long before0 = ledgerEntries(s);
            play(s, 60, i -> {
                if (i < 50) {
                    post(s, Scenario.CANARY, s.now - 900, "k-" + i, false);
                    post(s, Scenario.BASE, s.now - 800, "k-" + (1_000 + i), false);
                }
                if (i < 20) {
                    sideEffect(s, Scenario.BASE, s.now - 700, "evt-" + i);
                }
                if (i < 30) {
                    work(s, Scenario.BASE, s.now - 600, 1, i, RELEASE);
                }
            });
            long filled = ledgerEntries(s);

            // when stream time moves past the ledger's retention (7 days plus a segment) with later keys
            long later = T0
                    + TopologySettings.DEFAULT_LEDGER_RETENTION_MS
                    + Duration.ofDays(5).toMillis();
            post(s, Scenario.CANARY, later, "k-late-1", false);
            post(s, Scenario.CANARY, later + 1, "k-late-2", false);
            long after = ledgerEntries(s);

            // then the key count rose with the keys and fell back to the new keys only
            assertThat(before0).isZero();
            assertThat(filled).isEqualTo(150);
            assertThat(after).isEqualTo(2);
        }
    }

    @Test
    void shouldNotCountARedeliveryAfterThePolicyRetentionAsDuplicate() {
        // given a policy keeping idempotency keys for one hour
        GatePolicy policy = only(GateIds.DEDUPE)
                .setDedupeRetentionMs(Duration.ofHours(1).toMillis())
                .setMaxStepDurationMs(Duration.ofDays(1).toMillis())
                .build();
        try (Scenario s = started(72, policy)) {
            play(s, 5, i -> {
                if (i == 1) {
                    post(s, Scenario.CANARY, s.now - 500, "pay-1", false);
                    post(s, Scenario.CANARY, s.now - 400, "pay-2", false);
                }
            });

            // when pay-1 is delivered again after two hours (not deduped) and pay-2 after 30 minutes (deduped)
            s.now += Duration.ofMinutes(30).toMillis();
            play(s, 2, i -> {
                if (i == 0) {
                    post(s, Scenario.CANARY, s.now - 500, "pay-2", true);
                }
            });
            s.now += Duration.ofMinutes(90).toMillis();
            play(
                    s,
                    15,
                    i -> { // long enough for an unchanged verdict to be re-published
                        if (i == 0) {
                            post(s, Scenario.CANARY, s.now - 500, "pay-1", false);
                        }
                    });

            // then only the redelivery within retention is a duplicate, and it was deduped
            GateResult r = last(s, GateIds.DEDUPE);
            assertThat(r.getCanarySamples()).isEqualTo(1);
            assertThat(r.getCanaryValue()).isEqualTo(1.0);
            assertThat(r.getVerdict()).isEqualTo(Verdict.PASS);
        }
    }
}

package dev.tollgate.topology.state;

import static dev.tollgate.topology.state.GoldenStateFixtures.CHECKOUT;
import static dev.tollgate.topology.state.GoldenStateFixtures.CHECKOUT_BASE;
import static dev.tollgate.topology.state.GoldenStateFixtures.CHECKOUT_CANARY;
import static dev.tollgate.topology.state.GoldenStateFixtures.CHECKOUT_RELEASE;
import static dev.tollgate.topology.state.GoldenStateFixtures.SEARCH;
import static dev.tollgate.topology.state.GoldenStateFixtures.SEARCH_BASE;
import static dev.tollgate.topology.state.GoldenStateFixtures.SEARCH_CANARY;
import static dev.tollgate.topology.state.GoldenStateFixtures.SEARCH_RELEASE;
import static dev.tollgate.topology.state.GoldenStateFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.topology.engine.ReleaseState;
import dev.tollgate.topology.engine.ServiceState;
import dev.tollgate.topology.engine.ServiceStateAccess;
import dev.tollgate.topology.engine.ServiceStateSerde;
import dev.tollgate.topology.evidence.PinEvidence;
import dev.tollgate.topology.evidence.RevisionEvidence;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Guards the golden service states written by state format v1 ({@code src/test/resources/state/v1/}, made by
 * {@link GoldenStateFixtures}; this test never regenerates them). Every later format must still read them:
 * (a) decoding each committed state gives the known values below, and (b) a fresh topology restored from
 * them and fed part B publishes exactly {@code continuation-expected.jsonl}.
 *
 * <p>Field access is isolated: each assertion group reads the state through one small helper at the end of
 * this class (public accessors of {@link ServiceState} where they exist, otherwise
 * {@link ServiceStateAccess}), so a change of ServiceState / RevisionEvidence internals means adapting those
 * helpers, not the expectations.
 */
class GoldenStateV1Test {
    private static final byte V1 = 1;

    // ------------------------------------------------------------------ (a) decoding

    @Test
    void shouldStartEveryCommittedFixtureWithVersionByteOne() {
        for (String service : GoldenStateFixtures.SERVICES) {
            // given the committed bytes
            byte[] bytes = GoldenStateFixtures.resource(service + ".bin");
            // then they are format v1
            assertThat(bytes[0]).as(service).isEqualTo(V1);
        }
    }

    @Test
    void shouldDecodeTheCheckoutRolloutHeldAtTwentyPercent() {
        // given / when
        ServiceState st = state(CHECKOUT);
        // then: step 1 (20 %) of checkout-r7 is active, started by the router's STEP at +28 s
        assertThat(st.state()).isEqualTo(ReleaseState.ACTIVE);
        RolloutEvent r = st.rollout();
        assertThat(r.getReleaseId()).isEqualTo(CHECKOUT_RELEASE);
        assertThat(r.getPhase()).isEqualTo(RolloutPhase.STEP);
        assertThat(r.getStepIndex()).isEqualTo(1);
        assertThat(r.getTrafficPercent()).isEqualTo(20.0);
        assertThat(r.getBaselineRevision()).isEqualTo(CHECKOUT_BASE);
        assertThat(r.getCanaryRevision()).isEqualTo(CHECKOUT_CANARY);
        assertThat(r.getCanaryPins().getSchemaRev()).isEqualTo("12");
        assertThat(r.getBaselinePins().getSchemaRev()).isEqualTo("11");
        assertThat(r.getCanaryPins().getModelTag()).isEqualTo("m-3");
        assertThat(st.stepStart()).isEqualTo(T0 + 28_000);
        assertThat(st.maxEventTime()).isEqualTo(T0 + 37_997);
        // and the event-time clock: three ticks still open, nothing pending
        assertThat(clock(st))
                .isEqualTo(new Clock(1_767_000_035L, List.of(1_767_000_035L, 1_767_000_036L, 1_767_000_037L), 0, T0));
        assertThat(st.openTicks().size()).isEqualTo(3);
    }

    @Test
    void shouldDecodeTheCheckoutDecisionMemory() {
        // given / when
        DecisionMemory m = decisionMemory(state(CHECKOUT));
        // then: rolled back once at step 0 on error-rate, then PROMOTE and the warm-capacity HOLD at step 1
        assertThat(m.failures()).containsExactly(Map.entry("0|error-rate", 1));
        assertThat(m.decisionSeq()).isEqualTo(3);
        assertThat(m.lastDecisionKey()).isEqualTo("HOLD|1|hold|warm-capacity");
        assertThat(m.published())
                .containsEntry("warm-capacity", "1@" + (T0 + 29_000))
                .containsEntry("side-effects", "1@" + (T0 + 32_000))
                .containsEntry("cold-start", "0@" + (T0 + 35_000))
                .containsEntry("error-rate", "0@" + (T0 + 30_000))
                .hasSize(9);
    }

    @Test
    void shouldDecodeTheCheckoutRequestEvidenceOfBothRevisions() {
        // given
        ServiceState st = state(CHECKOUT);
        // when / then
        assertThat(requests(ServiceStateAccess.baseline(st)))
                .isEqualTo(new Requests(2_280, 22, 0, 657, 0, T0 + 34_000));
        assertThat(requests(ServiceStateAccess.canary(st))).isEqualTo(new Requests(548, 0, 115, 151, 0, T0 + 34_000));
        assertThat(p95(ServiceStateAccess.baseline(st))).isCloseTo(94.16281659933847, within(1e-9));
        assertThat(p95(ServiceStateAccess.canary(st))).isCloseTo(98.00570671394676, within(1e-9));
        assertThat(releaseId(ServiceStateAccess.canary(st))).isEqualTo(CHECKOUT_RELEASE);
    }

    @Test
    void shouldDecodeTheCheckoutPinsStreamsAndIdempotency() {
        // given
        ServiceState st = state(CHECKOUT);
        RevisionEvidence b = ServiceStateAccess.baseline(st);
        RevisionEvidence c = ServiceStateAccess.canary(st);
        // then: pins carried, one mismatch class per revision, misrouted X-Release pins on the baseline
        assertThat(pins(c))
                .isEqualTo(new Pins(
                        Map.of("12|ix-9|m-3", 49L, "13|ix-9|m-3", 2L),
                        51,
                        2,
                        "schemaRev 13 != served 12 on canary co-42",
                        Map.of("canary", 27L),
                        27,
                        0));
        assertThat(pins(b))
                .isEqualTo(new Pins(
                        Map.of("11|ix-9|m-3", 239L, "11|ix-9|m-2", 1L),
                        240,
                        1,
                        "modelTag m-2 != served m-3 on baseline co-41",
                        Map.of("baseline", 47L, "canary", 5L, "co-41", 65L),
                        117,
                        5));
        // and CUT streams on the old revision, POST duplicates (the canary's pair 7 executed again in minute 0)
        assertThat(streams(b)).isEqualTo(new Streams(8, 8));
        assertThat(idempotency(c)).isEqualTo(new Idempotency(7, 7));
        assertThat(idempotency(minute(st, CHECKOUT_CANARY))).isEqualTo(new Idempotency(35, 34));
    }

    @Test
    void shouldDecodeTheCheckoutSideEffectDuplicateAndCapacity() {
        // given
        ServiceState st = state(CHECKOUT);
        // then
        SideEffects se = sideEffects(ServiceStateAccess.canary(st));
        assertThat(se.executed()).isEqualTo(8);
        assertThat(se.duplicates()).isEqualTo(1);
        assertThat(se.example())
                .startsWith("key 95e5c8f6704f1a764088c9a977cab267f999a825d46d281c1ba41da26b28a520 kind webhook")
                .endsWith("executed by co-41 and co-42");
        assertThat(capacity(ServiceStateAccess.canary(st))).isEqualTo(new Capacity(T0 + 28_200, 2.0, T0 + 28_200, 4.0));
        assertThat(capacity(ServiceStateAccess.baseline(st)).warm()).isEqualTo(8.0);
        assertThat(capacity(ServiceStateAccess.serviceLevel(st)))
                .isEqualTo(new Capacity(Long.MIN_VALUE, Double.NaN, T0 + 28_202, 4.0));
    }

    @Test
    void shouldDecodeTheCheckoutOpenTicksAndTimelineMinute() {
        // given
        ServiceState st = state(CHECKOUT);
        // then: raw partials of the open ticks, per revision
        assertThat(requests(openTick(st, 1_767_000_035L, CHECKOUT_BASE)).requests())
                .isEqualTo(323);
        assertThat(requests(openTick(st, 1_767_000_037L, CHECKOUT_CANARY)).requests())
                .isEqualTo(96);
        assertThat(idempotency(openTick(st, 1_767_000_035L, CHECKOUT_CANARY))).isEqualTo(new Idempotency(1, 0));
        // and the open minute T0 holds the whole part A of both revisions, derived counters included
        assertThat(ServiceStateAccess.minutes(st).keySet()).containsExactly(T0);
        assertThat(requests(minute(st, CHECKOUT_BASE))).isEqualTo(new Requests(12_358, 134, 0, 7_143, 0, T0 + 34_000));
        assertThat(requests(minute(st, CHECKOUT_CANARY))).isEqualTo(new Requests(1_782, 44, 248, 937, 5, T0 + 34_000));
        assertThat(pins(minute(st, CHECKOUT_BASE)).misrouted()).isEqualTo(31);
    }

    @Test
    void shouldDecodeTheSearchRolloutAwaitingItsPendingStep() {
        // given / when
        ServiceState st = state(SEARCH);
        // then: step 1 promoted; the router's STEP 2 (50 %) is pending, not yet applied
        assertThat(st.state()).isEqualTo(ReleaseState.AWAITING_STEP);
        assertThat(st.rollout().getReleaseId()).isEqualTo(SEARCH_RELEASE);
        assertThat(st.rollout().getStepIndex()).isEqualTo(1);
        assertThat(st.rollout().getCanaryPins().getModelTag()).isEqualTo("emb-5");
        assertThat(st.rollout().getBaselinePins().getIndexHash()).isEqualTo("hx-1");
        assertThat(st.stepStart()).isEqualTo(T0 + 30_000);
        assertThat(st.maxEventTime()).isEqualTo(T0 + 53_000);
        assertThat(clock(st)).isEqualTo(new Clock(1_767_000_051L, List.of(1_767_000_051L, 1_767_000_052L), 1, T0));
        List<RolloutEvent> pending = ServiceStateAccess.pendingRollouts(st);
        assertThat(pending).singleElement().satisfies(p -> {
            assertThat(p.getPhase()).isEqualTo(RolloutPhase.STEP);
            assertThat(p.getStepIndex()).isEqualTo(2);
            assertThat(p.getTrafficPercent()).isEqualTo(50.0);
            assertThat(p.getTimestamp()).isEqualTo(T0 + 53_000);
            assertThat(p.getCanaryRevision()).isEqualTo(SEARCH_CANARY);
        });
        DecisionMemory m = decisionMemory(st);
        assertThat(m.failures()).containsExactly(Map.entry("0|side-effects", 1));
        assertThat(m.decisionSeq()).isEqualTo(3);
        assertThat(m.lastDecisionKey()).isEqualTo("PROMOTE|1||");
        assertThat(m.published())
                .containsEntry("queue-fence", "1@" + (T0 + 50_000))
                .containsEntry("lambda", "0@" + (T0 + 50_000))
                .hasSize(10);
    }

    @Test
    void shouldDecodeTheSearchProbesQueuesAndSideEffects() {
        // given
        ServiceState st = state(SEARCH);
        RevisionEvidence b = ServiceStateAccess.baseline(st);
        RevisionEvidence c = ServiceStateAccess.canary(st);
        // then: the whole probe set on seeds 1 and 2; one chaotic baseline trajectory
        assertThat(probes(b)).isEqualTo(new Probes(10, Map.of(1L, "10/0", 2L, "10/1"), "seed 2 question q4 CHAOTIC"));
        assertThat(probes(c)).isEqualTo(new Probes(10, Map.of(1L, "10/0", 2L, "10/0"), null));
        assertThat(meanDeltaS(c, "q0")).isCloseTo(0.16, within(1e-12));
        assertThat(meanDeltaS(b, "q9")).isCloseTo(0.24, within(1e-12));
        // and queue work with the canary's fence violation, queue age per partition at service level
        assertThat(queue(c))
                .isEqualTo(new Queue(
                        20, 1, "queue reindex partition 4 fenced by search-r1 but worked by release search-r2 (se-9)"));
        assertThat(queue(b)).isEqualTo(new Queue(20, 0, null));
        assertThat(queueAgeSamples(ServiceStateAccess.serviceLevel(st))).isEqualTo(Map.of("3", 20L, "4", 20L));
        assertThat(queueAgeSamples(openTick(st, 1_767_000_052L, ""))).isEqualTo(Map.of("3", 1L, "4", 1L));
        // and the vector write executed by both revisions (step 0, so only in the open minute)
        assertThat(sideEffects(c)).isEqualTo(new SideEffects(20, 0, null));
        assertThat(sideEffects(minute(st, SEARCH_CANARY)).duplicates()).isEqualTo(1);
        assertThat(sideEffects(minute(st, SEARCH_CANARY)).example())
                .contains("kind vector-write executed by se-8 and se-9");
        assertThat(requests(c)).isEqualTo(new Requests(831, 0, 5, 612, 0, T0 + 49_000));
        assertThat(requests(b)).isEqualTo(new Requests(3_169, 19, 0, 2_388, 0, T0 + 49_000));
        assertThat(pins(c).combos()).isEqualTo(Map.of("null|hx-2|emb-5", 162L));
        assertThat(releaseId(minute(st, SEARCH_BASE))).isEqualTo(SEARCH_RELEASE);
    }

    // ------------------------------------------------------------------ (b) continuation

    @Test
    void shouldContinueFromTheGoldenStatesWithTheRecordedOutputs() {
        // given a fresh topology whose step-state store holds the decoded v1 states
        Map<String, ServiceState> states = GoldenStateFixtures.committedStates();
        List<String> expected = new String(
                        GoldenStateFixtures.resource(ServiceStateSerde.VERSION, GoldenStateFixtures.EXPECTED),
                        StandardCharsets.UTF_8)
                .lines()
                .toList();
        // when part B is replayed
        List<String> actual = GoldenStateFixtures.continuation(states);
        // then every gate result, decision and timeline minute is the recorded one, in order
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertThat(actual.get(i)).as("output line %d", i + 1).isEqualTo(expected.get(i));
        }
        assertThat(actual).hasSameSizeAs(expected);
        assertThat(expected)
                .anySatisfy(
                        l -> assertThat(l).contains("\"action\": \"PROMOTE\"").contains("\"service\": \"checkout\""));
        assertThat(expected)
                .anySatisfy(l -> assertThat(l)
                        .contains("\"action\": \"PROMOTE\"")
                        .contains("\"stepIndex\": 2")
                        .contains("\"service\": \"search\""));
    }

    // ------------------------------------------------------------------ field access (adapt here)

    private static ServiceState state(String service) {
        return GoldenStateFixtures.committedStates().get(service);
    }

    /** Next unsealed tick, open tick indexes, pending rollout count, release start. */
    record Clock(long nextTick, List<Long> openTicks, int pendingRollouts, long releaseStart) {}

    private static Clock clock(ServiceState st) {
        return new Clock(
                ServiceStateAccess.nextTick(st),
                List.copyOf(ServiceStateAccess.openTicks(st).keySet()),
                ServiceStateAccess.pendingRollouts(st).size(),
                ServiceStateAccess.releaseStart(st));
    }

    /** Failures per "step|gate", decision sequence, last decision key, published gates as "verdictOrdinal@time". */
    record DecisionMemory(
            Map<String, Integer> failures, int decisionSeq, String lastDecisionKey, Map<String, String> published) {}

    private static DecisionMemory decisionMemory(ServiceState st) {
        Map<String, String> published = new TreeMap<>();
        ServiceStateAccess.published(st).forEach((gate, v) -> published.put(gate, v[0] + "@" + v[1]));
        return new DecisionMemory(
                new TreeMap<>(ServiceStateAccess.failures(st)),
                ServiceStateAccess.decisionSeq(st),
                ServiceStateAccess.lastDecisionKey(st),
                published);
    }

    private static RevisionEvidence openTick(ServiceState st, long tick, String revision) {
        return ServiceStateAccess.openTicks(st).get(tick).get(revision);
    }

    /** The open timeline minute T0 of a revision. */
    private static RevisionEvidence minute(ServiceState st, String revision) {
        return ServiceStateAccess.minutes(st).get(T0).get(revision);
    }

    record Requests(
            long requests,
            long errors5xx,
            long coldStarts,
            long requestsAfterWarmup,
            long coldStartsAfterWarmup,
            long lastRequestTick) {}

    private static Requests requests(RevisionEvidence e) {
        assertThat(e.traffic.latency.count()).as("latency samples = requests").isEqualTo(e.traffic.requests);
        return new Requests(
                e.traffic.requests,
                e.traffic.errors5xx,
                e.traffic.coldStarts,
                e.traffic.requestsAfterWarmup,
                e.traffic.coldStartsAfterWarmup,
                e.traffic.lastRequestTick);
    }

    private static double p95(RevisionEvidence e) {
        return e.traffic.latency.quantile(0.95);
    }

    private static String releaseId(RevisionEvidence e) {
        return e.traffic.releaseId;
    }

    /** Pin combinations as "schemaRev|indexHash|modelTag" (absent parts "null"), and the derived pin counters. */
    record Pins(
            Map<String, Long> combos,
            long carrying,
            long mismatches,
            String mismatchExample,
            Map<String, Long> pinned,
            long pinnedRequests,
            long misrouted) {}

    private static Pins pins(RevisionEvidence e) {
        Map<String, Long> combos = e.pins.combos.entrySet().stream()
                .collect(Collectors.toMap(
                        c -> String.join(
                                "|",
                                List.of(
                                        String.valueOf(PinEvidence.pinParts(c.getKey())[0]),
                                        String.valueOf(PinEvidence.pinParts(c.getKey())[1]),
                                        String.valueOf(PinEvidence.pinParts(c.getKey())[2]))),
                        Map.Entry::getValue));
        return new Pins(
                combos,
                e.pins.carrying,
                e.pins.mismatches,
                e.pins.mismatchExample,
                Map.copyOf(e.pins.pinnedValues),
                e.pins.pinnedRequests,
                e.pins.misrouted);
    }

    record Streams(long cut, long cutOld) {}

    private static Streams streams(RevisionEvidence e) {
        return new Streams(e.traffic.streamsCut, e.traffic.streamsCutOld);
    }

    record Idempotency(long postDuplicates, long deduped) {}

    private static Idempotency idempotency(RevisionEvidence e) {
        return new Idempotency(e.dedupe.postDuplicates, e.dedupe.postDuplicatesDeduped);
    }

    record SideEffects(long executed, long duplicates, String example) {}

    private static SideEffects sideEffects(RevisionEvidence e) {
        return new SideEffects(e.dedupe.sideEffects, e.dedupe.sideEffectDuplicates, e.dedupe.sideEffectExample);
    }

    record Capacity(long warmAt, double warm, long expectedAt, double expected) {}

    private static Capacity capacity(RevisionEvidence e) {
        return new Capacity(e.gauges.warmAt, e.gauges.warmInstances, e.gauges.expectedLoadAt, e.gauges.expectedLoad);
    }

    record Queue(long works, long fenceViolations, String fenceExample) {}

    private static Queue queue(RevisionEvidence e) {
        return new Queue(e.queues.works, e.queues.fenceViolations, e.queues.fenceExample);
    }

    private static Map<String, Long> queueAgeSamples(RevisionEvidence e) {
        Map<String, Long> m = new TreeMap<>();
        e.queues.age.forEach((partition, trend) -> m.put(partition, trend.count()));
        return m;
    }

    /** Questions answered, per seed "probes/non-convergent", and the λ example. */
    record Probes(int questions, Map<Long, String> seeds, String lambdaExample) {}

    private static Probes probes(RevisionEvidence e) {
        Map<Long, String> seeds = new TreeMap<>();
        e.probes.seeds.forEach((seed, v) -> seeds.put(seed, v[0] + "/" + v[1]));
        return new Probes(e.probes.deltaS.size(), seeds, e.probes.lambdaExample);
    }

    private static double meanDeltaS(RevisionEvidence e, String question) {
        double[] q = e.probes.deltaS.get(question);
        return q[0] / q[1];
    }
}

package dev.tollgate.topology.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import org.junit.jupiter.api.Test;

/**
 * Unit tests of {@link DedupeGate}. The gate may move from a raw threshold to an anytime-valid confidence
 * sequence, so PASS and FAIL use large samples far from the threshold, where both agree.
 */
class DedupeGateTest {
    private final DedupeGate gate = new DedupeGate();

    private static RevisionEvidence duplicates(long requests, long duplicates, long deduped) {
        RevisionEvidence e = new RevisionEvidence();
        e.traffic.requests = requests;
        e.dedupe.postDuplicates = duplicates;
        e.dedupe.postDuplicatesDeduped = deduped;
        return e;
    }

    private static GateInput input(RevisionEvidence baseline, RevisionEvidence canary) {
        return new GateInput(
                GatePolicy.newBuilder().build(), 0, 1, 5.0, false, 0, 60_000, baseline, canary, new RevisionEvidence());
    }

    @Test
    void shouldHaveTheContractIdAndDefaultThreshold() {
        assertThat(gate.id()).isEqualTo("dedupe");
        assertThat(gate.defaultThreshold()).isEqualTo(0.999);
    }

    @Test
    void shouldBeNoDataWithoutCanaryRequests() {
        // given baseline duplicates only
        GateInput in = input(duplicates(10_000, 100, 100), duplicates(0, 0, 0));

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.NODATA);
        assertThat(o.canarySamples()).isZero();
    }

    @Test
    void shouldPassWithoutDuplicateDeliveries() {
        // given canary traffic without a single repeated idempotency key
        GateInput in = input(duplicates(100_000, 0, 0), duplicates(100_000, 0, 0));

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then there is nothing to dedupe
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.canarySamples()).isZero();
    }

    @Test
    void shouldPassWhenEveryOneOfManyDuplicatesIsDeduped() {
        // given 100,000 duplicate deliveries, all answered from the idempotency store
        GateInput in = input(duplicates(1_000_000, 100_000, 100_000), duplicates(1_000_000, 100_000, 100_000));

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.canaryValue()).isEqualTo(1.0);
        assertThat(o.baselineValue()).isEqualTo(1.0);
        assertThat(o.canarySamples()).isEqualTo(100_000);
    }

    @Test
    void shouldFailWhenATenthOfManyDuplicatesIsExecutedAgain() {
        // given 10,000 duplicate deliveries of which 9,000 were deduped (0.9 << 0.999)
        GateInput in = input(duplicates(100_000, 10_000, 10_000), duplicates(100_000, 10_000, 9_000));

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.canaryValue()).isCloseTo(0.9, within(1e-12));
        assertThat(o.baselineValue()).isEqualTo(1.0);
        assertThat(o.delta()).isCloseTo(-0.1, within(1e-12));
        assertThat(o.detail()).startsWith("dedupe FAIL").contains("9000/10000");
    }

    @Test
    void shouldBeInconclusiveWithFewDuplicatesOneNotDeduped() {
        // given 50 duplicates (minSamples 200), one of them executed again
        GateInput in = input(duplicates(10_000, 0, 0), duplicates(10_000, 50, 49));

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.canarySamples()).isEqualTo(50);
        assertThat(o.detail()).contains("minSamples 200");
    }
}

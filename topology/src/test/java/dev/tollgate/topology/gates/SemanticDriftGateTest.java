package dev.tollgate.topology.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import org.junit.jupiter.api.Test;

/** Unit tests of {@link SemanticDriftGate}: |mean ΔS canary − mean ΔS baseline| over the probe set ≤ 0.03. */
class SemanticDriftGateTest {
    private final SemanticDriftGate gate = new SemanticDriftGate();

    /** One answer of ΔS {@code deltaS} to each of {@code questions} questions. */
    private static RevisionEvidence answers(int questions, double deltaS) {
        RevisionEvidence e = new RevisionEvidence();
        for (int q = 0; q < questions; q++) {
            e.probes.deltaS.put("q" + q, new double[] {deltaS, 1});
        }
        return e;
    }

    private static GateInput input(GatePolicy policy, RevisionEvidence baseline, RevisionEvidence canary) {
        return new GateInput(policy, 0, 1, 5.0, false, 0, 60_000, baseline, canary, new RevisionEvidence());
    }

    private static GateInput input(RevisionEvidence baseline, RevisionEvidence canary) {
        return input(GatePolicy.newBuilder().build(), baseline, canary);
    }

    @Test
    void shouldHaveTheContractIdAndDefaultThreshold() {
        assertThat(gate.id()).isEqualTo("semantic-drift");
        assertThat(gate.defaultThreshold()).isEqualTo(0.03);
    }

    @Test
    void shouldBeNoDataWithoutCanaryProbes() {
        // when
        GateOutcome o = gate.evaluate(input(answers(10, 0.1), new RevisionEvidence()), 0.03);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.NODATA);
        assertThat(o.baselineSamples()).isEqualTo(10);
    }

    @Test
    void shouldWaitUntilTheCanaryAnsweredTheWholeSet() {
        // given 9 of 10 canary answers, already far off
        GateOutcome o = gate.evaluate(input(answers(10, 0.1), answers(9, 0.5)), 0.03);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.canarySamples()).isEqualTo(9);
        assertThat(o.detail()).contains("9/10").contains("waiting for the whole probe set");
    }

    @Test
    void shouldWaitUntilTheBaselineAnsweredTheWholeSet() {
        // given no baseline answers yet
        GateOutcome o = gate.evaluate(input(new RevisionEvidence(), answers(10, 0.1)), 0.03);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.baselineValue()).isNull();
        assertThat(o.delta()).isNull();
    }

    @Test
    void shouldPassACanaryOnePointHigher() {
        // given canary ΔS 0.01 higher on every question
        GateOutcome o = gate.evaluate(input(answers(10, 0.10), answers(10, 0.11)), 0.03);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.baselineValue()).isCloseTo(0.10, within(1e-12));
        assertThat(o.canaryValue()).isCloseTo(0.11, within(1e-12));
        assertThat(o.delta()).isCloseTo(0.01, within(1e-12));
        assertThat(o.canarySamples()).isEqualTo(10);
        assertThat(o.baselineSamples()).isEqualTo(10);
    }

    @Test
    void shouldFailACanaryFivePointsHigher() {
        // given canary ΔS 0.05 higher
        GateOutcome o = gate.evaluate(input(answers(10, 0.10), answers(10, 0.15)), 0.03);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.delta()).isCloseTo(0.05, within(1e-12));
        assertThat(o.detail()).startsWith("semantic-drift FAIL").contains("|delta| 0.05000 > 0.03000");
    }

    @Test
    void shouldFailACanaryFivePointsLowerToo() {
        // given canary ΔS 0.05 lower: drift in either direction is drift
        GateOutcome o = gate.evaluate(input(answers(10, 0.20), answers(10, 0.15)), 0.03);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.delta()).isCloseTo(-0.05, within(1e-12));
    }

    @Test
    void shouldPassExactlyAtTheThreshold() {
        // given a drift of exactly 0.03 (0.030000000000000013 in doubles) each way
        assertThat(gate.evaluate(input(answers(10, 0.10), answers(10, 0.13)), 0.03)
                        .verdict())
                .isEqualTo(Verdict.PASS);
        assertThat(gate.evaluate(input(answers(10, 0.13), answers(10, 0.10)), 0.03)
                        .verdict())
                .isEqualTo(Verdict.PASS);
        // and just above it
        assertThat(gate.evaluate(input(answers(10, 0.10), answers(10, 0.1301)), 0.03)
                        .verdict())
                .isEqualTo(Verdict.FAIL);
    }

    @Test
    void shouldWeightEveryQuestionEquallyWhateverTheNumberOfSeeds() {
        // given q0..q8 answered once with 0.1 and q9 answered twice (0.1 and 0.3, mean 0.2)
        RevisionEvidence canary = answers(10, 0.1);
        canary.probes.deltaS.put("q9", new double[] {0.1 + 0.3, 2});

        // when
        GateOutcome o = gate.evaluate(input(answers(10, 0.1), canary), 0.03);

        // then the mean is over questions ((9 * 0.1 + 0.2) / 10), not over answers ((9 * 0.1 + 0.4) / 11)
        assertThat(o.canaryValue()).isCloseTo(0.11, within(1e-12));
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
    }

    @Test
    void shouldFollowThePolicyProbeSetSize() {
        // given a probe set of 5 questions
        GatePolicy policy = GatePolicy.newBuilder().setProbeSetSize(5).build();

        // when / then 5 answers each are the whole set
        assertThat(gate.evaluate(input(policy, answers(5, 0.1), answers(5, 0.1)), 0.03)
                        .verdict())
                .isEqualTo(Verdict.PASS);
        assertThat(gate.evaluate(input(policy, answers(5, 0.1), answers(4, 0.1)), 0.03)
                        .verdict())
                .isEqualTo(Verdict.INCONCLUSIVE);
    }
}

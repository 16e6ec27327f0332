package dev.tollgate.topology.gates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import org.junit.jupiter.api.Test;

/** Unit tests of {@link QueueFenceGate}. */
class QueueFenceGateTest {
    private final QueueFenceGate gate = new QueueFenceGate();

    private static RevisionEvidence works(long works, long violations, String example) {
        RevisionEvidence e = new RevisionEvidence();
        e.queues.works = works;
        e.queues.fenceViolations = violations;
        e.queues.fenceExample = example;
        return e;
    }

    private static GateInput input(RevisionEvidence baseline, RevisionEvidence canary) {
        return new GateInput(
                GatePolicy.newBuilder().build(), 0, 1, 5.0, false, 0, 60_000, baseline, canary, new RevisionEvidence());
    }

    @Test
    void shouldHaveTheContractIdAndRollBackWithTheRemedy() {
        assertThat(gate.id()).isEqualTo("queue-fence");
        assertThat(gate.defaultThreshold()).isZero();
        assertThat(gate.holdsOnFail()).isFalse();
        assertThat(gate.remedy()).contains("(partition, release_id)");
    }

    @Test
    void shouldBeNoDataWithoutQueueWorkOrRequests() {
        assertThat(gate.evaluate(input(works(0, 0, null), works(0, 0, null)), 0).verdict())
                .isEqualTo(Verdict.NODATA);
    }

    @Test
    void shouldPassFencedWork() {
        // given 1,000 offsets worked, none twice
        GateOutcome o = gate.evaluate(input(works(900, 0, null), works(100, 0, null)), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.canarySamples()).isEqualTo(1_000);
    }

    @Test
    void shouldFailOnAnOffsetWorkedByBothRevisionsNamingPartitionAndRevisions() {
        // given
        String example = "queue orders partition 3 offset 42 worked by rev-1 and rev-2";
        GateOutcome o = gate.evaluate(input(works(900, 0, null), works(100, 1, example)), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.detail())
                .startsWith("queue-fence FAIL: 1 fence violations of 1000")
                .contains(example);
    }

    @Test
    void shouldFailOnABaselineViolation() {
        // given the baseline worker fenced its partition with another release
        GateOutcome o = gate.evaluate(
                input(
                        works(
                                900,
                                1,
                                "queue orders partition 0 fenced by rel-0 but worked by " + "release rel-1 (rev-1)"),
                        works(100, 0, null)),
                0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.detail()).contains("fenced by rel-0");
    }

    @Test
    void shouldPassExactlyAtTheThresholdAndFailAboveIt() {
        assertThat(gate.evaluate(input(works(900, 0, null), works(100, 1, "x")), 1)
                        .verdict())
                .isEqualTo(Verdict.PASS);
        assertThat(gate.evaluate(input(works(900, 1, "y"), works(100, 1, "x")), 1)
                        .verdict())
                .isEqualTo(Verdict.FAIL);
    }
}

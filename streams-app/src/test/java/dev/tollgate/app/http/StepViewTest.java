package dev.tollgate.app.http;

import static dev.tollgate.app.http.Fixtures.STEP_START;
import static dev.tollgate.app.http.Fixtures.decision;
import static dev.tollgate.app.http.Fixtures.result;
import static dev.tollgate.app.http.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.http.StepView.Status;
import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.RolloutStatus;
import dev.tollgate.schemas.avro.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepViewTest {

    @Test
    void shouldPassWhenTollgatePromotedTheCurrentStep() {
        // given
        RolloutStatus s = status(
                "AWAITING_STEP",
                List.of(result("error-rate", Verdict.PASS), result("latency-p95", Verdict.PASS)),
                List.of(decision(Action.PROMOTE, 0, STEP_START + 6000)));

        // when
        StepView v = StepView.of(s);

        // then
        assertThat(v.status()).isEqualTo(Status.PASS);
        assertThat(v.pass()).isTrue();
        assertThat(v.failingGates()).isEmpty();
        assertThat(v.gates()).containsEntry("error-rate", "PASS").containsEntry("latency-p95", "PASS");
        assertThat(v.action()).isEqualTo("PROMOTE");
    }

    @Test
    void shouldBePendingWhileGatesLackEvidence() {
        // given
        RolloutStatus s = status(
                "ACTIVE",
                List.of(result("error-rate", Verdict.INCONCLUSIVE), result("latency-p95", Verdict.PASS)),
                List.of());

        // when
        StepView v = StepView.of(s);

        // then
        assertThat(v.status()).isEqualTo(Status.PENDING);
        assertThat(v.pass()).isFalse();
    }

    @Test
    void shouldNotPassOnAllGatesPassingWithoutPromote() {
        // given: every gate passes but the minimum step duration has not elapsed, so no PROMOTE yet
        RolloutStatus s = status("ACTIVE", List.of(result("error-rate", Verdict.PASS)), List.of());

        // when / then
        assertThat(StepView.of(s).status()).isEqualTo(Status.PENDING);
    }

    @Test
    void shouldFailWhenABlockingGateFails() {
        // given
        RolloutStatus s = status(
                "ACTIVE", List.of(result("error-rate", Verdict.FAIL), result("latency-p95", Verdict.PASS)), List.of());

        // when
        StepView v = StepView.of(s);

        // then
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.failingGates()).containsExactly("error-rate");
        assertThat(v.reasons()).containsExactly("error-rate: error-rate FAIL");
    }

    @Test
    void shouldIgnoreDryRunFailures() {
        // given
        GateResult dry = GateResult.newBuilder(result("latency-p95", Verdict.FAIL))
                .setDryRun(true)
                .build();
        RolloutStatus s = status("AWAITING_STEP", List.of(dry), List.of(decision(Action.PROMOTE, 0, STEP_START + 1)));

        // when / then
        assertThat(StepView.of(s).status()).isEqualTo(Status.PASS);
    }

    @Test
    void shouldFailAfterRollbackOrFreezeDecision() {
        // given
        RolloutStatus rolledBack = status(
                "ROLLED_BACK",
                List.of(result("error-rate", Verdict.FAIL)),
                List.of(decision(Action.ROLLBACK, 0, STEP_START + 6000, "error-rate")));
        RolloutStatus frozen =
                status("FROZEN", List.of(), List.of(decision(Action.FREEZE, 0, STEP_START + 6000, "latency-p95")));

        // when / then
        assertThat(StepView.of(rolledBack).status()).isEqualTo(Status.FAIL);
        assertThat(StepView.of(frozen).status()).isEqualTo(Status.FAIL);
        assertThat(StepView.of(frozen).failingGates()).containsExactly("latency-p95");
        assertThat(StepView.of(frozen).action()).isEqualTo("FREEZE");
    }

    @Test
    void shouldNotLetARollbackOfAnEarlierAttemptBlockARetriedStep() {
        // given: the ROLLBACK was decided before the retried step started
        RolloutStatus s = status(
                "ACTIVE",
                List.of(result("error-rate", Verdict.INCONCLUSIVE)),
                List.of(decision(Action.ROLLBACK, 0, STEP_START - 1, "error-rate")));

        // when / then
        assertThat(StepView.of(s).status()).isEqualTo(Status.PENDING);
    }

    @Test
    void shouldHoldNotFailOnPinOrRoutingGates() {
        // given
        RolloutStatus s = status(
                "ACTIVE",
                List.of(result("schema-pins", Verdict.FAIL), result("error-rate", Verdict.PASS)),
                List.of(decision(Action.HOLD, 0, STEP_START + 1, "schema-pins")));

        // when
        StepView v = StepView.of(s);

        // then
        assertThat(v.status()).isEqualTo(Status.PENDING);
        assertThat(v.failingGates()).containsExactly("schema-pins");
        assertThat(v.reasons()).containsExactly("reason of HOLD");
    }

    @Test
    void shouldPassWhenComplete() {
        // given
        RolloutStatus s = RolloutStatus.newBuilder(status("COMPLETE", List.of(), List.of()))
                .setPhase(RolloutPhase.COMPLETED)
                .build();

        // when / then
        assertThat(StepView.of(s).status()).isEqualTo(Status.PASS);
    }

    @Test
    void shouldRenderArgoJson() {
        // given
        RolloutStatus s = status(
                "ROLLED_BACK",
                List.of(result("error-rate", Verdict.FAIL)),
                List.of(decision(Action.ROLLBACK, 0, STEP_START + 6000, "error-rate")));

        // when
        var json = StepView.of(s).toJson();

        // then
        assertThat(json.get("service").asText()).isEqualTo("checkout");
        assertThat(json.get("status").asText()).isEqualTo("FAIL");
        assertThat(json.get("pass").asBoolean()).isFalse();
        assertThat(json.get("failingGates").get(0).asText()).isEqualTo("error-rate");
        assertThat(json.get("gates").get("error-rate").asText()).isEqualTo("FAIL");
        assertThat(json.get("stepIndex").asInt()).isZero();
        assertThat(json.get("trafficPercent").asDouble()).isEqualTo(1.0);
    }
}

package dev.tollgate.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.InconclusiveAction;
import dev.tollgate.schemas.avro.MetricSample;
import dev.tollgate.schemas.avro.ProbeResult;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.StreamOutcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCodecTest {
    private static final String REQUEST = "{\"type\":\"RequestLog\",\"service\":\"checkout\",\"releaseId\":\"r2\","
            + "\"revision\":\"rev-2\",\"timestamp\":1767225600000,\"status\":503,\"latencyMs\":81.5";

    @Test
    void shouldDecodeARequestWithOmittedNullableAndDefaultedFields() {
        EventCodec.Event e = EventCodec.decode(REQUEST + "}");

        assertThat(e.type()).isEqualTo("RequestLog");
        assertThat(e.key()).isEqualTo("checkout");
        assertThat(e.timestamp()).isEqualTo(1767225600000L);
        RequestLog r = (RequestLog) e.record();
        assertThat(r.getStatus()).isEqualTo(503);
        assertThat(r.getLatencyMs()).isEqualTo(81.5);
        assertThat(r.getMethod()).isEqualTo("GET");
        assertThat(r.getColdStart()).isFalse();
        assertThat(r.getStreamOutcome()).isEqualTo(StreamOutcome.NONE);
        assertThat(r.getRoute()).isNull();
        assertThat(r.getIdempotencyKey()).isNull();
    }

    @Test
    void shouldDecodeUnionsEnumsNestedRecordsArraysMapsAndFloats() {
        RolloutEvent r = (RolloutEvent) EventCodec.decode(
                        "{\"type\":\"RolloutEvent\",\"service\":\"s\",\"releaseId\":\"r\","
                                + "\"timestamp\":5,\"baselineRevision\":\"a\",\"canaryRevision\":\"b\",\"phase\":\"STEP\",\"stepIndex\":2,"
                                + "\"trafficPercent\":25,\"canaryPins\":{\"schemaRev\":\"8\"},\"baselinePins\":null,\"drainSeconds\":30}")
                .record();
        assertThat(r.getPhase()).isEqualTo(RolloutPhase.STEP);
        assertThat(r.getTrafficPercent()).isEqualTo(25.0);
        assertThat(r.getCanaryPins().getSchemaRev()).isEqualTo("8");
        assertThat(r.getCanaryPins().getIndexHash()).isNull();
        assertThat(r.getBaselinePins()).isNull();
        assertThat(r.getDrainSeconds()).isEqualTo(30);

        ProbeResult p =
                (ProbeResult) EventCodec.decode("{\"type\":\"ProbeResult\",\"service\":\"s\",\"releaseId\":\"r\","
                                + "\"revision\":\"b\",\"timestamp\":5,\"probeSet\":\"faq\",\"questionId\":\"q1\",\"seed\":7,"
                                + "\"questionEmbedding\":[0.5,1,-2.25],\"trajectory\":[0.5,0.4]}")
                        .record();
        assertThat(p.getQuestionEmbedding()).containsExactly(0.5f, 1f, -2.25f);
        assertThat(p.getRetrievedEmbedding()).isNull();
        assertThat(p.getTrajectory()).containsExactly(0.5, 0.4);

        MetricSample m =
                (MetricSample) EventCodec.decode("{\"type\":\"MetricSample\",\"service\":\"s\",\"timestamp\":5,"
                                + "\"name\":\"queue_age_ms\",\"value\":\"NaN\",\"labels\":{\"partition\":\"3\"}}")
                        .record();
        assertThat(m.getLabels()).isEqualTo(Map.of("partition", "3"));
        assertThat(m.getValue()).isNaN();
        assertThat(m.getRevision()).isNull();
    }

    @Test
    void shouldDecodeAPolicyWithItsKeyAndGateMap() {
        EventCodec.Event e = EventCodec.decode(
                "{\"type\":\"GatePolicy\",\"key\":\"*\",\"minSamples\":50,"
                        + "\"onInconclusive\":\"ROLLBACK\",\"gates\":{\"lambda\":{\"enabled\":false}},\"dedupeRetentionMs\":1000}");
        GatePolicy p = (GatePolicy) e.record();
        assertThat(e.key()).isEqualTo("*");
        assertThat(e.timestamp()).isEqualTo(Long.MIN_VALUE);
        assertThat(p.getMinSamples()).isEqualTo(50);
        assertThat(p.getOnInconclusive()).isEqualTo(InconclusiveAction.ROLLBACK);
        assertThat(p.getGates().get("lambda").getEnabled()).isFalse();
        assertThat(p.getGates().get("lambda").getThreshold()).isNull();
        assertThat(p.getDedupeRetentionMs()).isEqualTo(1000L);
        assertThat(p.getSteps()).containsExactly(1.0, 5.0, 25.0, 50.0, 100.0);
    }

    @Test
    void shouldRoundTripEveryRecordThroughJson() {
        RequestLog r = (RequestLog) EventCodec.decode(REQUEST + ",\"route\":\"/x\",\"coldStart\":true,"
                        + "\"streamOutcome\":\"CUT\",\"idempotencyKey\":\"k\",\"dedupeHit\":true}")
                .record();
        String line = EventCodec.toLine(r);
        assertThat(line)
                .startsWith("{\"type\":\"RequestLog\",")
                .contains("\"route\":\"/x\"")
                .contains("\"requestId\":null");
        assertThat(EventCodec.decode(line).record()).isEqualTo(r);

        MetricSample m = (MetricSample) EventCodec.decode("{\"type\":\"MetricSample\",\"service\":\"s\","
                        + "\"timestamp\":5,\"name\":\"n\",\"value\":\"-Infinity\"}")
                .record();
        assertThat(EventCodec.toLine(m)).contains("\"value\":\"-Infinity\"").contains("\"releaseId\":null");
        assertThat(EventCodec.decode(EventCodec.toLine(m)).record()).isEqualTo(m);
        ProbeResult p =
                (ProbeResult) EventCodec.decode("{\"type\":\"ProbeResult\",\"service\":\"s\",\"releaseId\":\"r\","
                                + "\"revision\":\"b\",\"timestamp\":5,\"probeSet\":\"faq\",\"questionId\":\"q1\","
                                + "\"questionEmbedding\":[0.1,\"NaN\"],\"deltaS\":0.3}")
                        .record();
        assertThat(EventCodec.decode(EventCodec.toLine(p)).record()).isEqualTo(p);

        EventCodec.Event policy = EventCodec.decode("{\"type\":\"GatePolicy\",\"key\":\"checkout\",\"timestamp\":9,"
                + "\"gates\":{\"dedupe\":{\"threshold\":0.5}}}");
        EventCodec.Event back = EventCodec.decode(EventCodec.toLine(policy));
        assertThat(back).isEqualTo(policy);
    }

    @Test
    void shouldNameTheFieldAndTheValueOfAWrongType() {
        assertThatThrownBy(() -> EventCodec.decode(REQUEST.replace("503", "\"abc\"") + "}"))
                .isInstanceOf(EventFormatException.class)
                .hasMessage("RequestLog.status: expected int, got \"abc\"");
        assertThatThrownBy(() -> EventCodec.decode(REQUEST.replace("503", "5.5") + "}"))
                .hasMessage("RequestLog.status: expected int, got 5.5");
        assertThatThrownBy(() -> EventCodec.decode(REQUEST.replace("503", "3000000000") + "}"))
                .hasMessage("RequestLog.status: expected int, got 3000000000 (out of range)");
        assertThatThrownBy(() -> EventCodec.decode(REQUEST + ",\"coldStart\":\"yes\"}"))
                .hasMessage("RequestLog.coldStart: expected boolean, got \"yes\"");
        assertThatThrownBy(() -> EventCodec.decode(REQUEST + ",\"route\":7}"))
                .hasMessage("RequestLog.route: expected string or null, got 7");
        assertThatThrownBy(() -> EventCodec.decode(REQUEST + ",\"streamOutcome\":\"HALF\"}"))
                .hasMessage("RequestLog.streamOutcome: expected one of [NONE, COMPLETED, CUT], got \"HALF\"");
        assertThatThrownBy(() -> EventCodec.decode(REQUEST.replace("\"checkout\"", "null") + "}"))
                .hasMessage("RequestLog.service: expected string, got null");
    }

    @Test
    void shouldNameNestedPathsInsideArraysMapsAndRecords() {
        assertThatThrownBy(
                        () -> EventCodec.decode(
                                "{\"type\":\"ProbeResult\",\"service\":\"s\",\"releaseId\":\"r\","
                                        + "\"revision\":\"b\",\"timestamp\":5,\"probeSet\":\"faq\",\"questionId\":\"q1\",\"trajectory\":[0.5,\"x\"]}"))
                .hasMessage("ProbeResult.trajectory[1]: expected double, got \"x\"");
        assertThatThrownBy(() -> EventCodec.decode("{\"type\":\"MetricSample\",\"service\":\"s\",\"timestamp\":5,"
                        + "\"name\":\"n\",\"value\":1,\"labels\":{\"partition\":3}}"))
                .hasMessage("MetricSample.labels.partition: expected string, got 3");
        assertThatThrownBy(() -> EventCodec.decode("{\"type\":\"GatePolicy\",\"gates\":{\"lambda\":{\"enabled\":1}}}"))
                .hasMessage("GatePolicy.gates.lambda.enabled: expected boolean, got 1");
    }

    @Test
    void shouldReportMissingFieldsUnknownFieldsAndUnknownTypes() {
        assertThatThrownBy(() -> EventCodec.decode("{\"type\":\"RequestLog\",\"service\":\"s\",\"releaseId\":\"r\","
                        + "\"revision\":\"b\",\"timestamp\":5,\"status\":200}"))
                .hasMessage("RequestLog: missing required field latencyMs");
        assertThatThrownBy(() -> EventCodec.decode(REQUEST + ",\"stauts\":200}"))
                .hasMessageStartingWith("RequestLog: unknown field \"stauts\" (fields: service, releaseId");
        assertThatThrownBy(() -> EventCodec.decode("{\"type\":\"Foo\"}"))
                .hasMessageStartingWith("unknown type \"Foo\" (expected one of RequestLog, SideEffect");
        assertThatThrownBy(() -> EventCodec.decode("{\"service\":\"s\"}")).hasMessageStartingWith("missing \"type\"");
        assertThatThrownBy(() -> EventCodec.decode("{\"type\":\"RequestLog\", broken"))
                .hasMessageStartingWith("malformed JSON: ");
        assertThatThrownBy(() -> EventCodec.decode("[1,2]")).hasMessage("expected a JSON object, got [1,2]");
    }

    @Test
    void shouldListInputAndOutputTypes() {
        assertThat(EventCodec.typeNames())
                .containsExactly(
                        "RequestLog",
                        "SideEffect",
                        "QueueWork",
                        "MetricSample",
                        "ProbeResult",
                        "RolloutEvent",
                        "GatePolicy",
                        "GateResult",
                        "GateDecision",
                        "RevisionMinuteStats");
        assertThat(List.of(EventCodec.decode(
                                "{\"type\":\"GateDecision\",\"decisionId\":\"d\",\"service\":\"s\","
                                        + "\"releaseId\":\"r\",\"stepIndex\":0,\"trafficPercent\":1,\"action\":\"HOLD\",\"decidedAt\":1}")
                        .isInput()))
                .containsExactly(false);
    }
}

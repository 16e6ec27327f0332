package dev.tollgate.topology.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.schemas.avro.MetricSample;
import dev.tollgate.schemas.avro.ProbeResult;
import dev.tollgate.schemas.avro.QueueWork;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.StreamOutcome;
import dev.tollgate.topology.LiveSettings;
import dev.tollgate.topology.TopicNames;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class EventValidatorTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final long SKEW = 300_000L;
    private static final long MAX_AGE = 365L * 24 * 3_600_000L;
    private final TopicNames topics = TopicNames.defaults();
    private final EventValidator live = new EventValidator(topics, new LiveSettings(SKEW, MAX_AGE, 0, true));
    private final EventValidator replay = new EventValidator(topics, LiveSettings.OFF);

    private static RequestLog request(Consumer<RequestLog> change) {
        RequestLog r = RequestLog.newBuilder()
                .setService("checkout")
                .setReleaseId("rel-1")
                .setRevision("rev-2")
                .setTimestamp(NOW - 1_000)
                .setStatus(200)
                .setLatencyMs(12.5)
                .setColdStart(false)
                .setMethod("GET")
                .setStreamOutcome(StreamOutcome.NONE)
                .setDedupeHit(false)
                .build();
        change.accept(r);
        return r;
    }

    private String reasonOf(EventValidator v, String topic, String key, SpecificRecord event) {
        try {
            v.check(topic, key, event, NOW);
            return null;
        } catch (InvalidEventException e) {
            return e.reason();
        }
    }

    @Test
    void shouldAcceptAValidEventOfItsTopic() {
        // given a valid request log
        RequestLog r = request(x -> {});

        // when / then
        assertThat(reasonOf(live, topics.requests(), "checkout", r)).isNull();
    }

    @Test
    void shouldRejectEachKindOfSemanticallyBadRequestWithItsReason() {
        // given a request topic, and bad values of each kind
        String t = topics.requests();

        // when / then
        assertThat(reasonOf(live, t, "checkout", null)).isEqualTo("null-value");
        assertThat(reasonOf(live, t, null, request(x -> {}))).isEqualTo("null-key");
        assertThat(reasonOf(live, t, "checkout", request(x -> x.setStatus(0)))).isEqualTo("status-out-of-range");
        assertThat(reasonOf(live, t, "checkout", request(x -> x.setStatus(999))))
                .isEqualTo("status-out-of-range");
        assertThat(reasonOf(live, t, "checkout", request(x -> x.setLatencyMs(-1))))
                .isEqualTo("latency-invalid");
        assertThat(reasonOf(live, t, "checkout", request(x -> x.setLatencyMs(Double.NaN))))
                .isEqualTo("latency-invalid");
        assertThat(reasonOf(live, t, "checkout", request(x -> x.setLatencyMs(Double.POSITIVE_INFINITY))))
                .isEqualTo("latency-invalid");
        assertThat(reasonOf(live, t, "checkout", request(x -> x.setTimestamp(-5))))
                .isEqualTo("timestamp-negative");
    }

    @Test
    void shouldRejectARecordOfAnotherTopicsType() {
        // given a rollout event read from the requests topic
        RolloutEvent e = RolloutEvent.newBuilder()
                .setService("checkout")
                .setReleaseId("rel-1")
                .setTimestamp(NOW)
                .setBaselineRevision("rev-1")
                .setCanaryRevision("rev-2")
                .setPhase(RolloutPhase.STARTED)
                .setStepIndex(0)
                .setTrafficPercent(1.0)
                .build();

        // when / then
        assertThat(reasonOf(live, topics.requests(), "checkout", e)).isEqualTo("wrong-type");
        assertThat(reasonOf(live, topics.rollouts(), "checkout", e)).isNull();
        e.setTrafficPercent(140.0);
        assertThat(reasonOf(live, topics.rollouts(), "checkout", e)).isEqualTo("traffic-percent-invalid");
    }

    @Test
    void shouldRejectTimestampsFarFromTheWallClockOnlyWhenLive() {
        // given events 6 minutes ahead and two years behind the wall clock
        RequestLog ahead = request(x -> x.setTimestamp(NOW + SKEW + 60_000));
        RequestLog behind = request(x -> x.setTimestamp(NOW - 2 * MAX_AGE));
        RequestLog sixtyDaysOld = request(x -> x.setTimestamp(NOW - 60L * 24 * 3_600_000L));

        // when / then: live rejects them, replay (no wall clock) does not; 60 days old is evaluated
        assertThat(reasonOf(live, topics.requests(), "checkout", ahead)).isEqualTo("timestamp-future");
        assertThat(reasonOf(live, topics.requests(), "checkout", behind)).isEqualTo("timestamp-too-old");
        assertThat(reasonOf(live, topics.requests(), "checkout", sixtyDaysOld)).isNull();
        assertThat(reasonOf(replay, topics.requests(), "checkout", ahead)).isNull();
        assertThat(reasonOf(replay, topics.requests(), "checkout", behind)).isNull();
    }

    @Test
    void shouldRejectNonFiniteMetricsProbesAndNegativeQueuePositions() {
        // given
        MetricSample m = MetricSample.newBuilder()
                .setService("checkout")
                .setTimestamp(NOW)
                .setName("queue_age_ms")
                .setValue(Double.NaN)
                .setLabels(Map.of())
                .build();
        ProbeResult p = ProbeResult.newBuilder()
                .setService("checkout")
                .setReleaseId("rel-1")
                .setRevision("rev-2")
                .setTimestamp(NOW)
                .setProbeSet("faq")
                .setQuestionId("q1")
                .setSeed(1)
                .setDeltaS(2.5)
                .setTrajectory(List.of(0.1, 0.2))
                .build();
        QueueWork q = QueueWork.newBuilder()
                .setService("checkout")
                .setReleaseId("rel-1")
                .setRevision("rev-2")
                .setTimestamp(NOW)
                .setQueue("orders")
                .setPartition(-1)
                .setOffset(3)
                .build();

        // when / then
        assertThat(reasonOf(live, topics.metrics(), "checkout", m)).isEqualTo("metric-value-invalid");
        assertThat(reasonOf(live, topics.probes(), "checkout", p)).isEqualTo("delta-s-invalid");
        p.setDeltaS(0.2);
        p.setTrajectory(List.of(0.1, Double.NaN));
        assertThat(reasonOf(live, topics.probes(), "checkout", p)).isEqualTo("delta-s-invalid");
        assertThat(reasonOf(live, topics.queueWork(), "checkout", q)).isEqualTo("queue-position-invalid");
    }

    @Test
    void shouldKeepTheExceptionCheapAndNamed() {
        // when
        InvalidEventException e = new InvalidEventException("latency-invalid", "latencyMs -1.0");

        // then
        assertThat(e.getStackTrace()).isEmpty();
        assertThat(e.getMessage()).isEqualTo("latency-invalid: latencyMs -1.0");
        assertThatThrownBy(() -> live.check(topics.requests(), "checkout", request(x -> x.setStatus(42)), NOW))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("HTTP status 42");
    }

    @Test
    void shouldNotLetARejectedRecordMoveStreamTime() {
        // given an extractor with a 5-minute skew limit and a partition at t
        EventTimeExtractor extractor = new EventTimeExtractor(live);
        long partitionTime = System.currentTimeMillis() - 10_000;
        long inRange = System.currentTimeMillis() - 5_000;
        long farAhead = System.currentTimeMillis() + 3 * MAX_AGE;

        // when / then: a valid time is its own, a far-future one and no contract value keep the partition's time
        assertThat(extractor.extract(record(request(x -> x.setTimestamp(inRange))), partitionTime))
                .isEqualTo(inRange);
        assertThat(extractor.extract(record(request(x -> x.setTimestamp(farAhead))), partitionTime))
                .isEqualTo(partitionTime);
        assertThat(extractor.extract(record(null), partitionTime)).isEqualTo(partitionTime);
        assertThat(extractor.extract(
                        record(request(x -> {
                            x.setTimestamp(inRange);
                            x.setStatus(999);
                        })),
                        partitionTime))
                .isEqualTo(partitionTime);
        assertThat(new EventTimeExtractor().extract(record(request(x -> x.setTimestamp(farAhead))), partitionTime))
                .isEqualTo(farAhead);
    }

    private static ConsumerRecord<Object, Object> record(Object value) {
        return new ConsumerRecord<>("tollgate.requests", 0, 0L, "checkout", value);
    }

    @Test
    void shouldTurnAnUndecodableValueIntoARecordTheValidatorRejects() {
        // given a deserializer that fails on the value
        TolerantDeserializer d = new TolerantDeserializer(new org.apache.kafka.common.serialization.Deserializer<>() {
            @Override
            public RequestLog deserialize(String topic, byte[] data) {
                throw new IllegalArgumentException("Unknown magic byte 0x07");
            }
        });

        // when
        SpecificRecord r = d.deserialize(topics.requests(), new byte[] {7, 1, 2});

        // then it keeps the partition's time and is rejected as undecodable
        assertThat(r).isInstanceOf(UndecodableRecord.class);
        assertThat(new EventTimeExtractor(live).extract(record(r), 1234L)).isEqualTo(1234L);
        assertThat(reasonOf(live, topics.requests(), "checkout", r)).isEqualTo("deserialization");
    }
}

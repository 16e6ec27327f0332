package dev.tollgate.topology;

import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.RevisionMinuteStats;
import dev.tollgate.schemas.serde.CachedStringDeserializer;
import dev.tollgate.schemas.serde.EvidenceDeserializer;
import dev.tollgate.schemas.serde.SpecificAvroSerde;
import dev.tollgate.topology.processor.EventTimeExtractor;
import dev.tollgate.topology.processor.EventValidator;
import dev.tollgate.topology.processor.Processors;
import dev.tollgate.topology.processor.TolerantDeserializer;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;

/** The one entry point that builds Tollgate's Kafka Streams {@link Topology}. */
public final class TollgateTopology {
    private TollgateTopology() {}

    /**
     * Builds the topology: evidence topics in, gate results, decisions and the per-minute timeline out.
     *
     * @param settings topic names, serde config, timing and default policy
     * @return a topology ready for {@code new KafkaStreams(topology, props)}
     */
    public static Topology build(TopologySettings settings) {
        TopicNames t = settings.topics();
        Map<String, Object> serdeConfig = settings.serdeConfig();
        // request logs, most of the input, take a fast path; every other payload and every error as the generic one
        EvidenceDeserializer anyEvent = new EvidenceDeserializer();
        anyEvent.configure(serdeConfig, false);
        Serde<String> keys = Serdes.String();

        Topology topology = new Topology();
        topology.addSource(
                AutoOffsetReset.earliest(),
                Names.SOURCE_EVIDENCE,
                new EventTimeExtractor(new EventValidator(t, settings.live())),
                new CachedStringDeserializer(),
                new TolerantDeserializer(anyEvent),
                t.evidenceInputs().toArray(String[]::new));
        topology.addProcessor(Names.PROCESSOR_EVALUATOR, Processors.evaluator(settings), Names.SOURCE_EVIDENCE);

        topology.addSink(
                Names.SINK_RESULTS,
                t.gateResults(),
                keys.serializer(),
                avro(GateResult.class, serdeConfig).serializer(),
                Names.PROCESSOR_EVALUATOR);
        topology.addSink(
                Names.SINK_DECISIONS,
                t.decisions(),
                keys.serializer(),
                avro(GateDecision.class, serdeConfig).serializer(),
                Names.PROCESSOR_EVALUATOR);
        topology.addSink(
                Names.SINK_TIMELINE,
                t.timeline(),
                keys.serializer(),
                avro(RevisionMinuteStats.class, serdeConfig).serializer(),
                Names.PROCESSOR_EVALUATOR);

        Processors.addPolicies(topology, t.policies(), avro(GatePolicy.class, serdeConfig));
        return topology;
    }

    /** A registry-backed serde for one contract type, configured for record values. */
    public static <T extends SpecificRecord> SpecificAvroSerde<T> avro(Class<T> type, Map<String, Object> serdeConfig) {
        SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type);
        serde.configure(serdeConfig, false);
        return serde;
    }
}

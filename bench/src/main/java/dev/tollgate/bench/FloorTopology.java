package dev.tollgate.bench;

import dev.tollgate.schemas.serde.CachedStringDeserializer;
import dev.tollgate.schemas.serde.EvidenceDeserializer;
import dev.tollgate.topology.TopicNames;
import dev.tollgate.topology.TopologySettings;
import dev.tollgate.topology.processor.EventTimeExtractor;
import dev.tollgate.topology.processor.EventValidator;
import dev.tollgate.topology.processor.TolerantDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.FailOnInvalidTimestamp;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Diagnostic: Tollgate's evidence source into a processor that does nothing. Measures what Kafka Streams itself (its
 * record loop, the commit under exactly_once_v2, and optionally the decoding) costs per record, so the evaluator's
 * share can be told apart from the framework's.
 */
final class FloorTopology {
    private FloorTopology() {}

    static Topology build(TopologySettings settings, boolean bytes) {
        TopicNames t = settings.topics();
        Topology topology = new Topology();
        if (bytes) {
            topology.addSource(
                    AutoOffsetReset.earliest(),
                    "floor-source",
                    new FailOnInvalidTimestamp(),
                    Serdes.String().deserializer(),
                    Serdes.ByteArray().deserializer(),
                    t.evidenceInputs().toArray(String[]::new));
        } else {
            EvidenceDeserializer anyEvent = new EvidenceDeserializer();
            anyEvent.configure(settings.serdeConfig(), false);
            topology.addSource(
                    AutoOffsetReset.earliest(),
                    "floor-source",
                    new EventTimeExtractor(new EventValidator(t, settings.live())),
                    new CachedStringDeserializer(),
                    new TolerantDeserializer(anyEvent),
                    t.evidenceInputs().toArray(String[]::new));
        }
        topology.addProcessor(
                "floor-noop",
                () -> new Processor<Object, Object, Void, Void>() {
                    long seen;

                    @Override
                    public void process(Record<Object, Object> record) {
                        seen++;
                    }
                },
                "floor-source");
        return topology;
    }
}

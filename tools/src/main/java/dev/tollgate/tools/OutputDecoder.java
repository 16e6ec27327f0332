package dev.tollgate.tools;

import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.RevisionMinuteStats;
import dev.tollgate.schemas.serde.SpecificAvroDeserializer;
import dev.tollgate.schemas.serde.UnknownSchemaIdException;
import dev.tollgate.topology.TopicNames;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decodes Tollgate's output records (Confluent wire format). Schemas are looked up in the configured registry;
 * when the writer's schema id is unknown there — the usual case with an in-memory {@code mock://} registry in
 * another process, e.g. the demo's — the body is read with this build's schema of the topic's type, which is
 * the schema the writer used when it is the same Tollgate version.
 */
public final class OutputDecoder implements AutoCloseable {
    private final SpecificAvroDeserializer<SpecificRecord> registry = new SpecificAvroDeserializer<>();
    private final TopicNames topics;
    private boolean usedFallback;

    public OutputDecoder(String registryUrl, TopicNames topics) {
        registry.configure(Map.of("schema.registry.url", registryUrl), false);
        this.topics = topics;
    }

    /** Whether some record was read with the local schema because its id was unknown. */
    public boolean usedFallback() {
        return usedFallback;
    }

    public SpecificRecord decode(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return registry.deserialize(topic, bytes);
        } catch (UnknownSchemaIdException e) {
            usedFallback = true;
            return local(topic, bytes);
        }
    }

    private SpecificRecord local(String topic, byte[] bytes) {
        Class<? extends SpecificRecord> type = topic.equals(topics.decisions())
                ? GateDecision.class
                : topic.equals(topics.gateResults())
                        ? GateResult.class
                        : topic.equals(topics.timeline()) ? RevisionMinuteStats.class : null;
        if (type == null || bytes.length < 5) {
            throw new IllegalStateException("cannot decode a record of topic " + topic);
        }
        SpecificDatumReader<SpecificRecord> reader = new SpecificDatumReader<>(
                org.apache.avro.specific.SpecificData.get().getSchema(type));
        BinaryDecoder d = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
        try {
            return reader.read(null, d);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot decode a record of topic " + topic + " with the local schema: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        registry.close();
    }
}

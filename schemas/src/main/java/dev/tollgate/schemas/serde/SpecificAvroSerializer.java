package dev.tollgate.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serializes Avro generated records in the Confluent wire format: byte {@code 0x00}, the 4-byte big-endian
 * schema id, then the plain Avro binary encoding of the record. The bytes are the same as Confluent's
 * {@code KafkaAvroSerializer} writes for the same schema id.
 *
 * <p>The subject is {@code <topic>-value} or {@code <topic>-key} (TopicNameStrategy). The schema id comes
 * from, in order of precedence:
 * <ol>
 *   <li>{@code auto.register.schemas=true} (default): registering the record's schema;</li>
 *   <li>{@code use.latest.version=true}: the latest version of the subject. The record is written with that
 *       schema; if it differs from the record's own, the latest schema must be able to read the record's
 *       schema (otherwise {@link IncompatibleSchemaException}) and the record is converted by Avro schema
 *       resolution. The latest version is fetched once per topic and serializer;</li>
 *   <li>otherwise: looking up the id of the record's schema under the subject.</li>
 * </ol>
 *
 * <p>{@code null} serializes to {@code null} (a tombstone). The serializer is thread-safe (Kafka Streams
 * shares one instance between stream threads) and, once the id of a topic is known, allocates only the
 * returned array per record.
 *
 * @param <T> the generated record type
 */
public class SpecificAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private static final Logger LOG = LoggerFactory.getLogger(SpecificAvroSerializer.class);

    private final SchemaRegistryClient givenClient;
    private volatile SchemaRegistryClient client;
    private volatile boolean ownsClient;
    private volatile SerdeConfig config;
    private volatile boolean isKey;
    private final Map<String, TopicState> topics = new ConcurrentHashMap<>();

    /** Creates a serializer that is set up by {@link #configure(Map, boolean)}. */
    public SpecificAvroSerializer() {
        this.givenClient = null;
    }

    /**
     * Creates a value serializer on a given registry client with default settings; {@link #configure(Map,
     * boolean)} may still change the settings (the client is kept).
     *
     * @param client the registry client
     */
    public SpecificAvroSerializer(SchemaRegistryClient client) {
        this.givenClient = Objects.requireNonNull(client, "client");
        this.client = client;
        this.config = SerdeConfig.parse(Map.of());
    }

    /**
     * Reads the settings (see {@link SerdeConfig}) and, unless a client was given to the constructor,
     * creates the registry client from {@code schema.registry.url}.
     *
     * @param configs the configuration
     * @param isKey whether this serializer writes record keys (subject {@code <topic>-key})
     * @throws org.apache.kafka.common.config.ConfigException naming the key of an invalid value
     */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SerdeConfig parsed = SerdeConfig.parse(configs);
        if (givenClient != null) {
            configure(parsed, givenClient, false, isKey);
        } else {
            configure(parsed, SchemaRegistryClients.create(parsed), true, isKey);
        }
    }

    /** Applies a parsed configuration with a client; {@code owns} makes {@link #close()} close it. */
    void configure(SerdeConfig parsed, SchemaRegistryClient registry, boolean owns, boolean isKey) {
        if (parsed.autoRegisterSchemas() && parsed.useLatestVersion()) {
            LOG.warn(
                    "{}=true and {}=true: registering the record's schema, {} is ignored",
                    SerdeConfig.AUTO_REGISTER_SCHEMAS,
                    SerdeConfig.USE_LATEST_VERSION,
                    SerdeConfig.USE_LATEST_VERSION);
        }
        closeOwnedClient();
        this.config = parsed;
        this.isKey = isKey;
        this.client = registry;
        this.ownsClient = owns;
        this.topics.clear();
    }

    /**
     * Serializes a record.
     *
     * @param topic the topic the record is written to (names the subject)
     * @param data the record, or {@code null}
     * @return the Confluent wire format bytes, or {@code null} for a {@code null} record
     * @throws TollgateSerializationException if the registry refuses or cannot be reached, or the record
     *     cannot be encoded
     */
    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        SchemaRegistryClient registry = client;
        if (registry == null) {
            throw new IllegalStateException("SpecificAvroSerializer is not configured: call configure() with "
                    + SerdeConfig.SCHEMA_REGISTRY_URL + " or pass a SchemaRegistryClient to the constructor");
        }
        Schema schema = data.getSchema();
        TopicState state = topics.get(topic);
        if (state == null) {
            state = topics.computeIfAbsent(topic, t -> new TopicState(Topics.subject(t, isKey)));
        }
        Target target = state.last;
        if (target == null || target.recordSchema != schema) {
            target = state.targets.get(schema);
            if (target == null) {
                target = resolve(registry, topic, state, schema);
                state.targets.put(schema, target);
            }
            state.last = target;
        }
        WireFormat.Scratch scratch = WireFormat.scratch();
        ByteArrayOutputStream out = scratch.begin(target.id);
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, scratch.encoder);
            scratch.encoder = encoder;
            if (target.converter == null) {
                target.writer.write(data, encoder);
            } else {
                target.writer.write(target.convert(data), encoder);
            }
            encoder.flush();
            return scratch.finish();
        } catch (IOException | RuntimeException e) {
            scratch.finish();
            throw new TollgateSerializationException(
                    "Cannot serialize " + schema.getFullName() + Topics.onTopic(topic) + " with schema id " + target.id
                            + ": " + e.getMessage(),
                    e);
        }
    }

    /** Closes the registry client if this serializer created it. */
    @Override
    public void close() {
        closeOwnedClient();
    }

    private void closeOwnedClient() {
        SchemaRegistryClient owned = ownsClient ? client : null;
        if (owned != null && !(owned instanceof InMemorySchemaRegistry)) {
            owned.close();
        }
    }

    private Target resolve(SchemaRegistryClient registry, String topic, TopicState state, Schema schema) {
        SerdeConfig settings = config;
        String subject = state.subject;
        if (settings.autoRegisterSchemas()) {
            return Target.direct(schema, registry.register(subject, schema));
        }
        if (!settings.useLatestVersion()) {
            return Target.direct(schema, registry.getId(subject, schema));
        }
        RegisteredSchema latest = state.latest;
        if (latest == null) {
            latest = registry.getLatest(subject);
            state.latest = latest;
            LOG.info(
                    "Topic {} is written with the latest schema of subject {}: id {} version {}",
                    topic,
                    subject,
                    latest.id(),
                    latest.version());
        }
        if (latest.schema().equals(schema)) {
            return Target.direct(schema, latest.id());
        }
        String problems = Compatibility.problems(latest.schema(), schema);
        if (problems != null) {
            throw new IncompatibleSchemaException("Cannot write " + schema.getFullName() + Topics.onTopic(topic)
                    + " with the latest schema of subject " + subject + " (id " + latest.id() + ", version "
                    + latest.version() + ", " + SerdeConfig.USE_LATEST_VERSION + "=true): the record's schema cannot "
                    + "be resolved into it: " + problems);
        }
        return Target.converting(schema, latest);
    }

    /** Per-topic state: the subject, the latest version (use.latest.version) and the last target. */
    private static final class TopicState {
        final String subject;
        final Map<Schema, Target> targets = new ConcurrentHashMap<>();
        volatile RegisteredSchema latest;
        volatile Target last;

        TopicState(String subject) {
            this.subject = subject;
        }
    }

    /** How records of one schema are written on one topic: the id, the writer and any conversion. */
    private static final class Target {
        final Schema recordSchema;
        final int id;
        final DatumWriter<Object> writer;
        /** Encodes the record with its own schema; null when the record's schema is the written one. */
        final DatumWriter<Object> converter;
        /** Reads the record's own encoding into the written schema (schema resolution). */
        final GenericDatumReader<Object> resolver;

        private Target(
                Schema recordSchema,
                int id,
                DatumWriter<Object> writer,
                DatumWriter<Object> converter,
                GenericDatumReader<Object> resolver) {
            this.recordSchema = recordSchema;
            this.id = id;
            this.writer = writer;
            this.converter = converter;
            this.resolver = resolver;
        }

        static Target direct(Schema schema, int id) {
            return new Target(
                    schema, id, new SpecificDatumWriter<>(schema, SpecificData.getForSchema(schema)), null, null);
        }

        static Target converting(Schema schema, RegisteredSchema latest) {
            return new Target(
                    schema,
                    latest.id(),
                    new GenericDatumWriter<>(latest.schema(), GenericData.get()),
                    new SpecificDatumWriter<>(schema, SpecificData.getForSchema(schema)),
                    new GenericDatumReader<>(schema, latest.schema(), GenericData.get()));
        }

        /** Re-encodes a record into a generic record of the written schema. Allocates; only for this mode. */
        Object convert(Object record) throws IOException {
            ByteArrayOutputStream own = new ByteArrayOutputStream(256);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(own, null);
            converter.write(record, encoder);
            encoder.flush();
            return resolver.read(null, DecoderFactory.get().binaryDecoder(own.toByteArray(), null));
        }
    }
}

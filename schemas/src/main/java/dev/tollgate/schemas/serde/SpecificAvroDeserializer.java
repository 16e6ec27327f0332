package dev.tollgate.schemas.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Deserializes Confluent wire format payloads into Avro generated records.
 *
 * <p>For each payload it checks the magic byte, reads the schema id, fetches the writer schema from the
 * registry (once per id) and resolves it into the reader schema: the {@code SCHEMA$} of the class given to
 * the constructor, or else ({@code specific.avro.reader=true}) the generated class named by the writer
 * schema's full name. Fields the writer lacks get their defaults; fields the reader lacks are skipped.
 * The resolving reader is built once per writer schema id (the reader schema is fixed per id and
 * deserializer) and reused.
 *
 * <p>{@code null} deserializes to {@code null} (a tombstone). Nothing bad deserializes silently:
 * <ul>
 *   <li>first byte not {@code 0x00}: {@link UnknownMagicByteException};</li>
 *   <li>id not in the registry: {@link UnknownSchemaIdException};</li>
 *   <li>shorter than the header, or the Avro body ends early: {@link TruncatedPayloadException};</li>
 *   <li>body not valid for the writer schema, or bytes left over: {@link MalformedPayloadException};</li>
 *   <li>no generated class for the writer schema, or the writer schema cannot be resolved into the reader
 *       schema: {@link IncompatibleSchemaException}.</li>
 * </ul>
 * Messages name the topic and schema id. The deserializer is thread-safe.
 *
 * <p>Avro 1.12 only instantiates generated classes from packages trusted by the system property
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES}; it must include {@code dev.tollgate.schemas.avro}.
 *
 * @param <T> the generated record type
 */
public class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final Class<T> readerClass;
    private final SchemaRegistryClient givenClient;
    private volatile SchemaRegistryClient client;
    private volatile boolean ownsClient;
    private volatile boolean specificAvroReader = SerdeConfig.SPECIFIC_AVRO_READER_DEFAULT;

    private final Map<Integer, ReaderEntry<T>> readers = new ConcurrentHashMap<>();
    private volatile ReaderEntry<T> last;

    /** Creates a deserializer that is set up by {@link #configure(Map, boolean)}. */
    public SpecificAvroDeserializer() {
        this(null, null);
    }

    /**
     * Creates a deserializer that reads every record as {@code readerClass}, set up by {@link
     * #configure(Map, boolean)}.
     *
     * @param readerClass the generated class whose {@code SCHEMA$} is the reader schema
     */
    public SpecificAvroDeserializer(Class<T> readerClass) {
        this(null, Objects.requireNonNull(readerClass, "readerClass"));
    }

    /**
     * Creates a deserializer on a given registry client, reading into the class named by the writer schema.
     *
     * @param client the registry client
     */
    public SpecificAvroDeserializer(SchemaRegistryClient client) {
        this(Objects.requireNonNull(client, "client"), null);
    }

    /**
     * Creates a deserializer on a given registry client that reads every record as {@code readerClass}.
     *
     * @param client the registry client, or {@code null} to create it in {@link #configure(Map, boolean)}
     * @param readerClass the generated class whose {@code SCHEMA$} is the reader schema, or {@code null} for
     *     the class named by the writer schema
     */
    public SpecificAvroDeserializer(SchemaRegistryClient client, Class<T> readerClass) {
        this.givenClient = client;
        this.client = client;
        this.readerClass = readerClass;
    }

    /**
     * Reads the settings (see {@link SerdeConfig}) and, unless a client was given to the constructor,
     * creates the registry client from {@code schema.registry.url}.
     *
     * @param configs the configuration
     * @param isKey whether this deserializer reads record keys (does not change decoding)
     * @throws ConfigException naming the key of an invalid value, or {@code specific.avro.reader=false}
     *     without a reader class
     */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SerdeConfig parsed = SerdeConfig.parse(configs);
        checkReader(parsed);
        if (givenClient != null) {
            configure(parsed, givenClient, false);
        } else {
            configure(parsed, SchemaRegistryClients.create(parsed), true);
        }
    }

    /** Fails if the configuration asks for something this deserializer cannot do. */
    void checkReader(SerdeConfig parsed) {
        if (!parsed.specificAvroReader() && readerClass == null) {
            throw new ConfigException(
                    SerdeConfig.SPECIFIC_AVRO_READER,
                    false,
                    "SpecificAvroDeserializer reads generated classes only; give it a reader class or set true");
        }
    }

    /** Applies a parsed configuration with a client; {@code owns} makes {@link #close()} close it. */
    void configure(SerdeConfig parsed, SchemaRegistryClient registry, boolean owns) {
        checkReader(parsed);
        closeOwnedClient();
        this.specificAvroReader = parsed.specificAvroReader();
        this.client = registry;
        this.ownsClient = owns;
        this.readers.clear();
        this.last = null;
    }

    /**
     * Deserializes a payload.
     *
     * @param topic the topic the payload came from (used in error messages)
     * @param data the Confluent wire format bytes, or {@code null}
     * @return the record, or {@code null} for a {@code null} payload
     * @throws TollgateSerializationException if the payload is not a valid record, see the class comment
     */
    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        return decode(topic, data, 0, data.length);
    }

    /**
     * Deserializes a payload; the headers are not used.
     *
     * @param topic the topic the payload came from
     * @param headers the record headers
     * @param data the payload, or {@code null}
     * @return the record, or {@code null} for a {@code null} payload
     */
    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        return deserialize(topic, data);
    }

    /**
     * Deserializes a payload from a buffer without copying it when the buffer is array-backed.
     *
     * @param topic the topic the payload came from
     * @param headers the record headers
     * @param data the payload between its position and limit, or {@code null}
     * @return the record, or {@code null} for a {@code null} payload
     */
    @Override
    public T deserialize(String topic, Headers headers, ByteBuffer data) {
        if (data == null) {
            return null;
        }
        if (data.hasArray()) {
            return decode(topic, data.array(), data.arrayOffset() + data.position(), data.remaining());
        }
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        return decode(topic, copy, 0, copy.length);
    }

    /** Closes the registry client if this deserializer created it. */
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

    private T decode(String topic, byte[] data, int offset, int length) {
        if (length > 0 && data[offset] != WireFormat.MAGIC_BYTE) {
            throw new UnknownMagicByteException(topic, data[offset]);
        }
        if (length < WireFormat.HEADER_SIZE) {
            throw new TruncatedPayloadException("Truncated payload" + Topics.onTopic(topic) + ": " + length
                    + " byte" + (length == 1 ? "" : "s") + ", shorter than the 5-byte Confluent header (magic byte "
                    + "and schema id)");
        }
        int id = WireFormat.readId(data, offset);
        ReaderEntry<T> entry = last;
        if (entry == null || entry.id != id) {
            entry = readerFor(topic, id);
            last = entry;
        }
        if (entry.failure != null) {
            throw new IncompatibleSchemaException("Cannot read schema id " + id + " (" + entry.writer.getFullName()
                    + ")" + Topics.onTopic(topic) + ": " + entry.failure);
        }
        WireFormat.Scratch scratch = WireFormat.scratch();
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(data, offset + WireFormat.HEADER_SIZE, length - WireFormat.HEADER_SIZE, scratch.decoder);
        scratch.decoder = decoder;
        T record;
        try {
            record = entry.reader.read(null, decoder);
        } catch (EOFException e) {
            throw new TruncatedPayloadException(
                    "Truncated payload" + Topics.onTopic(topic) + ": the "
                            + (length - WireFormat.HEADER_SIZE) + "-byte Avro body of schema id " + id + " ("
                            + entry.writer.getFullName() + ") ends in the middle of a value: " + e.getMessage(),
                    e);
        } catch (IOException | RuntimeException e) {
            throw new MalformedPayloadException(
                    "Malformed payload" + Topics.onTopic(topic) + ": the "
                            + (length - WireFormat.HEADER_SIZE) + "-byte Avro body is not valid for schema id " + id
                            + " ("
                            + entry.writer.getFullName() + "): " + e,
                    e);
        }
        try {
            if (!decoder.isEnd()) {
                int left = decoder.inputStream().available();
                throw new MalformedPayloadException("Malformed payload" + Topics.onTopic(topic) + ": " + left
                        + " byte" + (left == 1 ? "" : "s") + " left over after the " + entry.writer.getFullName()
                        + " record of schema id " + id + " (wrong schema id or corrupt data)");
            }
        } catch (IOException e) {
            throw new MalformedPayloadException("Malformed payload" + Topics.onTopic(topic) + ": " + e, e);
        }
        return record;
    }

    /**
     * The writer schema of an id if this deserializer reads it into the class the writer schema names (no reader
     * class given, nothing failed resolving it), else null; from the registry once per id.
     *
     * @throws TollgateSerializationException as {@link #deserialize(String, byte[])} for an unknown id
     */
    Schema writerSchemaReadAsNamed(String topic, int id) {
        ReaderEntry<T> entry = readerFor(topic, id);
        return entry.failure == null && readerClass == null ? entry.writer : null;
    }

    private ReaderEntry<T> readerFor(String topic, int id) {
        ReaderEntry<T> entry = readers.get(id);
        if (entry != null) {
            return entry;
        }
        SchemaRegistryClient registry = client;
        if (registry == null) {
            throw new IllegalStateException("SpecificAvroDeserializer is not configured: call configure() with "
                    + SerdeConfig.SCHEMA_REGISTRY_URL + " or pass a SchemaRegistryClient to the constructor");
        }
        Schema writer;
        try {
            writer = registry.getById(id);
        } catch (UnknownSchemaIdException e) {
            throw new UnknownSchemaIdException(
                    "Unknown schema id " + id + Topics.onTopic(topic) + ": " + e.getMessage(), e);
        }
        entry = buildReader(id, writer);
        ReaderEntry<T> raced = readers.putIfAbsent(id, entry);
        return raced == null ? entry : raced;
    }

    private ReaderEntry<T> buildReader(int id, Schema writer) {
        Class<?> type = readerClass;
        if (type == null) {
            if (!specificAvroReader) {
                return ReaderEntry.failed(id, writer, SerdeConfig.SPECIFIC_AVRO_READER + "=false needs a reader class");
            }
            type = writer.getType() == Schema.Type.RECORD ? SpecificData.get().getClass(writer) : null;
            if (type == null || !SpecificRecord.class.isAssignableFrom(type)) {
                return ReaderEntry.failed(
                        id,
                        writer,
                        "no generated SpecificRecord class " + writer.getFullName()
                                + " on the class path to read it into (" + SerdeConfig.SPECIFIC_AVRO_READER + "=true)");
            }
        }
        SpecificData model = SpecificData.getForClass(type);
        Schema reader = model.getSchema(type);
        String problems = Compatibility.problems(reader, writer);
        if (problems != null) {
            return ReaderEntry.failed(
                    id,
                    writer,
                    "the writer schema cannot be resolved into the reader schema of " + type.getName() + ": "
                            + problems);
        }
        try {
            return new ReaderEntry<>(id, writer, new SpecificDatumReader<>(writer, reader, model), null);
        } catch (RuntimeException e) {
            return ReaderEntry.failed(id, writer, "cannot build a reader for " + type.getName() + ": " + e);
        }
    }

    /** The resolving reader of one writer schema id, or why there is none. */
    private static final class ReaderEntry<T> {
        final int id;
        final Schema writer;
        final SpecificDatumReader<T> reader;
        final String failure;

        ReaderEntry(int id, Schema writer, SpecificDatumReader<T> reader, String failure) {
            this.id = id;
            this.writer = writer;
            this.reader = reader;
            this.failure = failure;
        }

        static <T> ReaderEntry<T> failed(int id, Schema writer, String failure) {
            return new ReaderEntry<>(id, writer, null, failure);
        }
    }
}

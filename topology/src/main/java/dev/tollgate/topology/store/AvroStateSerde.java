package dev.tollgate.topology.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Plain Avro binary for internal state stores: no registry round trip (state must restore even when the
 * registry is down), one version byte in front so the layout can evolve.
 */
public final class AvroStateSerde<T extends SpecificRecord> implements Serde<T> {
    private static final byte VERSION = 1;
    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;

    public AvroStateSerde(Class<T> type) {
        this.writer = new SpecificDatumWriter<>(type);
        this.reader = new SpecificDatumReader<>(type);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {}

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream(256);
                out.write(VERSION);
                BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
                writer.write(value, enc);
                enc.flush();
                return out.toByteArray();
            } catch (IOException e) {
                throw new SerializationException("Cannot encode state of " + topic, e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            if (data.length == 0 || data[0] != VERSION) {
                throw new SerializationException("Unknown state format in " + topic);
            }
            try {
                BinaryDecoder dec = DecoderFactory.get().binaryDecoder(data, 1, data.length - 1, null);
                return reader.read(null, dec);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("Corrupt state in " + topic + ": " + e.getMessage(), e);
            }
        };
    }
}

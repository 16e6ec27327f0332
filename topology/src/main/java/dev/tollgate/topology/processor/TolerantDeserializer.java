package dev.tollgate.topology.processor;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The input values' deserializer: a value the delegate cannot read becomes an {@link UndecodableRecord} instead of
 * an exception (see there why). Null stays null.
 */
public final class TolerantDeserializer implements Deserializer<SpecificRecord> {
    private final Deserializer<? extends SpecificRecord> delegate;

    public TolerantDeserializer(Deserializer<? extends SpecificRecord> delegate) {
        this.delegate = delegate;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        delegate.configure(configs, isKey);
    }

    @Override
    public SpecificRecord deserialize(String topic, byte[] data) {
        try {
            return delegate.deserialize(topic, data);
        } catch (RuntimeException e) {
            return new UndecodableRecord(e);
        }
    }

    @Override
    public SpecificRecord deserialize(String topic, Headers headers, byte[] data) {
        try {
            return delegate.deserialize(topic, headers, data);
        } catch (RuntimeException e) {
            return new UndecodableRecord(e);
        }
    }

    @Override
    public void close() {
        delegate.close();
    }
}

package dev.tollgate.topology.processor;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.topology.Names;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/** Keeps the global policy store in step with the compacted policies topic (a tombstone removes a policy). */
final class PolicyLoader implements Processor<String, GatePolicy, Void, Void> {
    private TimestampedKeyValueStore<String, GatePolicy> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(Names.STORE_POLICIES);
    }

    @Override
    public void process(Record<String, GatePolicy> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), ValueAndTimestamp.make(record.value(), record.timestamp()));
        }
    }
}

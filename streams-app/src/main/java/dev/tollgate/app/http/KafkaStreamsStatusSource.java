package dev.tollgate.app.http;

import dev.tollgate.schemas.avro.RolloutStatus;
import dev.tollgate.topology.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads rollout status from this instance's {@link Names#STORE_ROLLOUT_STATUS} store through Kafka Streams
 * interactive queries. While the store cannot be queried (not started, rebalancing, migrating) every call
 * throws {@link StatusUnavailableException}, which the API answers with 503.
 */
public final class KafkaStreamsStatusSource implements RolloutStatusSource {
    private final Supplier<KafkaStreams> streams;

    /** @param streams the running Kafka Streams, or a supplier of null before it exists */
    public KafkaStreamsStatusSource(Supplier<KafkaStreams> streams) {
        this.streams = streams;
    }

    @Override
    public Optional<RolloutStatus> find(String service) {
        try {
            return Optional.ofNullable(store().get(service));
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
    }

    @Override
    public List<RolloutStatus> all() {
        List<RolloutStatus> out = new ArrayList<>();
        try (KeyValueIterator<String, RolloutStatus> it = store().all()) {
            while (it.hasNext()) {
                KeyValue<String, RolloutStatus> kv = it.next();
                if (kv.value != null) {
                    out.add(kv.value);
                }
            }
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        out.sort((a, b) -> a.getService().compareTo(b.getService()));
        return out;
    }

    private ReadOnlyKeyValueStore<String, RolloutStatus> store() {
        KafkaStreams ks = streams.get();
        if (ks == null) {
            throw new StatusUnavailableException("rollout status is not available: Kafka Streams has not started", null);
        }
        try {
            return ks.store(StoreQueryParameters.fromNameAndType(Names.STORE_ROLLOUT_STATUS,
                    QueryableStoreTypes.<String, RolloutStatus>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
    }

    private StatusUnavailableException unavailable(InvalidStateStoreException e) {
        KafkaStreams ks = streams.get();
        String state = ks == null ? Readiness.NOT_STARTED : ks.state().name();
        return new StatusUnavailableException("rollout status is not available right now (Kafka Streams is " + state
                + "); retry shortly: " + e.getMessage(), e);
    }
}

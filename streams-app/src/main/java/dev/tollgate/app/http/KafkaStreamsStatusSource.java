package dev.tollgate.app.http;

import dev.tollgate.schemas.avro.RolloutStatus;
import dev.tollgate.topology.Names;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads rollout status through Kafka Streams interactive queries on {@link Names#STORE_ROLLOUT_STATUS}.
 *
 * <p>With several instances each holds the services of its own partitions. Given this instance's advertised
 * {@link HostInfo} (its {@code application.server}) and a {@link RemoteStatusClient}, a query for a service
 * another instance owns is forwarded to it, and {@link #all()} gathers every instance's statuses; without them
 * only the local store is read. While a store or the metadata cannot be queried (not started, rebalancing,
 * migrating, the owner not answering) every call throws {@link StatusUnavailableException} (HTTP 503).
 *
 * <p>A service is reported unknown (empty) only when the task of its partition is active and running where it was
 * read: an instance taking a partition over (failover, scale-in) is named its active host by Kafka Streams before
 * the task has moved and restored, and answers 503 until then, never "unknown".
 */
public final class KafkaStreamsStatusSource implements RolloutStatusSource {
    private static final Serializer<String> KEYS = new StringSerializer();

    private final Supplier<KafkaStreams> streams;
    private final HostInfo self;
    private final RemoteStatusClient remote;

    /** Local store only. @param streams the running Kafka Streams, or a supplier of null before it exists */
    public KafkaStreamsStatusSource(Supplier<KafkaStreams> streams) {
        this(streams, null, null);
    }

    /**
     * @param streams the running Kafka Streams, or a supplier of null before it exists
     * @param self    this instance's {@code application.server}, or null for local-only reads
     * @param remote  client for other instances, or null for local-only reads
     */
    public KafkaStreamsStatusSource(Supplier<KafkaStreams> streams, HostInfo self, RemoteStatusClient remote) {
        this.streams = streams;
        this.self = self;
        this.remote = remote;
    }

    /** A source reading only this instance's store (what the internal endpoints serve). */
    public RolloutStatusSource local() {
        return new KafkaStreamsStatusSource(streams);
    }

    private boolean forwarding() {
        return self != null && remote != null;
    }

    @Override
    public Optional<RolloutStatus> find(String service) {
        KafkaStreams ks = require();
        KeyQueryMetadata md;
        try {
            md = ks.queryMetadataForKey(Names.STORE_ROLLOUT_STATUS, service, KEYS);
        } catch (InvalidStateStoreException | IllegalStateException e) {
            // not started yet, or shutting down
            throw unavailable(e);
        }
        boolean known = md != null && !KeyQueryMetadata.NOT_AVAILABLE.equals(md) && md.activeHost() != null;
        if (!forwarding()) {
            // without application.server there is no metadata: the key's partition is not known here
            return known ? findActive(ks, service, md.partition()) : findLocal(service);
        }
        if (!known) {
            throw new StatusUnavailableException(
                    "rollout status is not available right now: no instance owns the " + "partition of " + service
                            + " (Kafka Streams is " + ks.state() + "); retry shortly",
                    null);
        }
        if (md.activeHost().equals(self)) {
            return findActive(ks, service, md.partition());
        }
        return remote.find(md.activeHost(), service);
    }

    /**
     * As {@link #find}, and while that cannot answer (the owner does not answer, or this instance is still taking
     * the service over) this instance's copy of the service's partition, when it holds one with the service: a
     * standby task's, or the active task's before it runs. Marked stale. Without such a copy: 503 as {@link #find},
     * never "unknown" (a copy that lacks the service may just be behind).
     */
    @Override
    public Optional<Read> read(String service) {
        try {
            return find(service).map(s -> new Read(s, false));
        } catch (StatusUnavailableException e) {
            Optional<RolloutStatus> copy = localCopy(service);
            if (copy.isPresent()) {
                return copy.map(s -> new Read(s, true));
            }
            throw e;
        }
    }

    private Optional<RolloutStatus> localCopy(String service) {
        KafkaStreams ks = streams.get();
        if (ks == null) {
            return Optional.empty();
        }
        try {
            KeyQueryMetadata md = ks.queryMetadataForKey(Names.STORE_ROLLOUT_STATUS, service, KEYS);
            if (md == null || KeyQueryMetadata.NOT_AVAILABLE.equals(md)) {
                return Optional.empty();
            }
            // no requireActive: a standby task's store answers too
            StateQueryResult<RolloutStatus> result = ks.query(StateQueryRequest.inStore(Names.STORE_ROLLOUT_STATUS)
                    .withQuery(KeyQuery.<String, RolloutStatus>withKey(service))
                    .withPartitions(Set.of(md.partition())));
            QueryResult<RolloutStatus> r = result.getPartitionResults().get(md.partition());
            return r != null && r.isSuccess() ? Optional.ofNullable(r.getResult()) : Optional.empty();
        } catch (InvalidStateStoreException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    /**
     * The service's status from this instance's active task of its partition, read only while that task is
     * running. Kafka Streams publishes a new assignment in its query metadata before it moves the tasks: an
     * instance taking a partition over is already its "active host" while the task is still a standby, a task to
     * initialize or restoring, and a plain {@code store().get} then reads only the partitions already running here
     * and misses the service (the failover drill's 404). An interactive query of that one partition that requires
     * an active, running task tells "not here yet" (503, retry) from "not there" (empty: 404).
     */
    private Optional<RolloutStatus> findActive(KafkaStreams ks, String service, int partition) {
        StateQueryResult<RolloutStatus> result;
        try {
            result = ks.query(StateQueryRequest.inStore(Names.STORE_ROLLOUT_STATUS)
                    .withQuery(KeyQuery.<String, RolloutStatus>withKey(service))
                    .withPartitions(Set.of(partition))
                    .requireActive());
        } catch (InvalidStateStoreException e) {
            // not started, stopping or stopped: the same answer as a store that cannot be queried
            throw unavailable(e);
        }
        QueryResult<RolloutStatus> r = result.getPartitionResults().get(partition);
        if (r == null || r.isFailure()) {
            String why = r == null ? "no answer" : r.getFailureReason() + ": " + r.getFailureMessage();
            throw new StatusUnavailableException(
                    "rollout status of " + service + " is not available right now: this instance is taking over "
                            + "partition " + partition + " (Kafka Streams is " + ks.state() + "; " + why
                            + "); retry shortly",
                    null);
        }
        return Optional.ofNullable(r.getResult());
    }

    @Override
    public List<RolloutStatus> all() {
        List<RolloutStatus> local = allLocal();
        if (!forwarding()) {
            return local;
        }
        Map<String, RolloutStatus> byService = new LinkedHashMap<>();
        local.forEach(s -> byService.put(s.getService(), s));
        KafkaStreams ks = require();
        for (StreamsMetadata m : ks.metadataForAllStreamsClients()) {
            if (!m.hostInfo().equals(self) && m.stateStoreNames().contains(Names.STORE_ROLLOUT_STATUS)) {
                remote.all(m.hostInfo()).forEach(s -> byService.putIfAbsent(s.getService(), s));
            }
        }
        List<RolloutStatus> out = new ArrayList<>(byService.values());
        out.sort((a, b) -> a.getService().compareTo(b.getService()));
        return out;
    }

    private Optional<RolloutStatus> findLocal(String service) {
        try {
            return Optional.ofNullable(store().get(service));
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
    }

    private List<RolloutStatus> allLocal() {
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

    private KafkaStreams require() {
        KafkaStreams ks = streams.get();
        if (ks == null) {
            throw new StatusUnavailableException(
                    "rollout status is not available: Kafka Streams has not started", null);
        }
        return ks;
    }

    private ReadOnlyKeyValueStore<String, RolloutStatus> store() {
        KafkaStreams ks = require();
        try {
            return ks.store(StoreQueryParameters.fromNameAndType(
                    Names.STORE_ROLLOUT_STATUS, QueryableStoreTypes.<String, RolloutStatus>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
    }

    private StatusUnavailableException unavailable(RuntimeException e) {
        KafkaStreams ks = streams.get();
        String state = ks == null ? Readiness.NOT_STARTED : ks.state().name();
        return new StatusUnavailableException(
                "rollout status is not available right now (Kafka Streams is " + state + "); retry shortly: "
                        + e.getMessage(),
                e);
    }
}

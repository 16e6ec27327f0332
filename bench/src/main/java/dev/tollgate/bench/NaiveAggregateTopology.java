package dev.tollgate.bench;

import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.topology.TollgateTopology;
import dev.tollgate.topology.processor.EventTimeExtractor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The design's naive baseline: {@code groupByKey().aggregate()} of the request logs per service into a value
 * holding, per revision, counts and a DDSketch-style quantile sketch (1 % relative accuracy, dense bucket
 * array), with the value encoded as a generic Avro record. The DSL store (and its cache) hold bytes, so every
 * record decodes and re-encodes the whole aggregate.
 */
final class NaiveAggregateTopology {
    static final double ACCURACY = 0.01;
    static final double GAMMA = (1 + ACCURACY) / (1 - ACCURACY);
    static final double LN_GAMMA = Math.log(GAMMA);

    static final Schema REV = SchemaBuilder.record("RevisionAggregate")
            .namespace("dev.tollgate.bench")
            .fields()
            .requiredLong("requests")
            .requiredLong("errors5xx")
            .requiredLong("coldStarts")
            .requiredDouble("latencySum")
            .requiredLong("zeroCount")
            .requiredInt("offset")
            .name("counts")
            .type()
            .array()
            .items()
            .longType()
            .noDefault()
            .endRecord();
    static final Schema AGG = SchemaBuilder.record("ServiceAggregate")
            .namespace("dev.tollgate.bench")
            .fields()
            .name("revisions")
            .type()
            .map()
            .values(REV)
            .noDefault()
            .endRecord();

    private NaiveAggregateTopology() {}

    static Topology build(String requestsTopic, Map<String, Object> serdeConfig) {
        StreamsBuilder b = new StreamsBuilder();
        Serde<RequestLog> logs = TollgateTopology.avro(RequestLog.class, serdeConfig);
        b.stream(requestsTopic, Consumed.with(Serdes.String(), logs).withTimestampExtractor(new EventTimeExtractor()))
                .groupByKey()
                .aggregate(
                        ServiceAggregate::new,
                        (service, log, agg) -> agg.add(log),
                        Materialized.<String, ServiceAggregate, KeyValueStore<Bytes, byte[]>>as("naive-aggregate")
                                .withKeySerde(Serdes.String())
                                .withValueSerde(new AggregateSerde()));
        return b.build();
    }

    /** Per-revision counts and a dense log-bucket sketch. */
    static final class RevisionAggregate {
        long requests;
        long errors5xx;
        long coldStarts;
        double latencySum;
        long zeroCount;
        int offset;
        long[] counts = new long[0];

        void add(RequestLog r) {
            requests++;
            if (r.getStatus() >= 500 && r.getStatus() <= 599) {
                errors5xx++;
            }
            if (r.getColdStart()) {
                coldStarts++;
            }
            double v = r.getLatencyMs();
            latencySum += v;
            if (!(v > 1e-3)) {
                zeroCount++;
                return;
            }
            int idx = (int) Math.ceil(Math.log(v) / LN_GAMMA);
            if (counts.length == 0) {
                counts = new long[1];
                offset = idx;
            } else if (idx < offset) {
                long[] c = new long[counts.length + (offset - idx)];
                System.arraycopy(counts, 0, c, offset - idx, counts.length);
                counts = c;
                offset = idx;
            } else if (idx >= offset + counts.length) {
                long[] c = new long[idx - offset + 1];
                System.arraycopy(counts, 0, c, 0, counts.length);
                counts = c;
            }
            counts[idx - offset]++;
        }
    }

    /** The aggregate value: revision → {@link RevisionAggregate}. */
    static final class ServiceAggregate {
        final Map<String, RevisionAggregate> revisions = new HashMap<>();

        ServiceAggregate add(RequestLog r) {
            revisions
                    .computeIfAbsent(r.getRevision(), x -> new RevisionAggregate())
                    .add(r);
            return this;
        }
    }

    /** Generic Avro binary, as a DSL user would write it. */
    static final class AggregateSerde implements Serde<ServiceAggregate> {
        private final GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(AGG);
        private final GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(AGG);

        @Override
        public org.apache.kafka.common.serialization.Serializer<ServiceAggregate> serializer() {
            return (topic, agg) -> {
                if (agg == null) {
                    return null;
                }
                Map<String, GenericRecord> revs = new HashMap<>();
                for (Map.Entry<String, RevisionAggregate> e : agg.revisions.entrySet()) {
                    RevisionAggregate a = e.getValue();
                    GenericRecord g = new GenericData.Record(REV);
                    g.put("requests", a.requests);
                    g.put("errors5xx", a.errors5xx);
                    g.put("coldStarts", a.coldStarts);
                    g.put("latencySum", a.latencySum);
                    g.put("zeroCount", a.zeroCount);
                    g.put("offset", a.offset);
                    List<Long> counts = new ArrayList<>(a.counts.length);
                    for (long c : a.counts) {
                        counts.add(c);
                    }
                    g.put("counts", counts);
                    revs.put(e.getKey(), g);
                }
                GenericRecord rec = new GenericData.Record(AGG);
                rec.put("revisions", revs);
                try {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
                    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
                    writer.write(rec, enc);
                    enc.flush();
                    return out.toByteArray();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            };
        }

        @Override
        @SuppressWarnings("unchecked")
        public org.apache.kafka.common.serialization.Deserializer<ServiceAggregate> deserializer() {
            return (topic, bytes) -> {
                if (bytes == null) {
                    return null;
                }
                try {
                    GenericRecord rec = reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
                    ServiceAggregate agg = new ServiceAggregate();
                    for (Map.Entry<Object, Object> e : ((Map<Object, Object>) rec.get("revisions")).entrySet()) {
                        GenericRecord g = (GenericRecord) e.getValue();
                        RevisionAggregate a = new RevisionAggregate();
                        a.requests = (Long) g.get("requests");
                        a.errors5xx = (Long) g.get("errors5xx");
                        a.coldStarts = (Long) g.get("coldStarts");
                        a.latencySum = (Double) g.get("latencySum");
                        a.zeroCount = (Long) g.get("zeroCount");
                        a.offset = (Integer) g.get("offset");
                        List<Long> counts = (List<Long>) g.get("counts");
                        a.counts = new long[counts.size()];
                        for (int i = 0; i < a.counts.length; i++) {
                            a.counts[i] = counts.get(i);
                        }
                        agg.revisions.put(e.getKey().toString(), a);
                    }
                    return agg;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            };
        }
    }
}

package dev.tollgate.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.RequestLog;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpecificAvroSerdeRoundTripTest {

    private static final String SCOPE = "round-trip-test";

    @AfterEach
    void dropScope() {
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    static Stream<Arguments> contractRecords() {
        return ContractRecords.all().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contractRecords")
    void shouldRoundTripEveryContractRecordThroughTheInMemoryRegistry(String name, SpecificRecord record) {
        // given a serde configured with a mock:// registry
        SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>();
        serde.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + SCOPE), false);
        String topic = "tollgate." + name;

        // when the record is serialized and deserialized
        byte[] bytes = serde.serializer().serialize(topic, record);
        SpecificRecord back = serde.deserializer().deserialize(topic, bytes);

        // then it comes back equal, as its generated class, with the schema registered under <topic>-value
        assertThat(back).isEqualTo(record).isInstanceOf(record.getClass());
        assertThat(bytes[0]).isZero();
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.forScope(SCOPE);
        assertThat(registry.subjects()).containsExactly(topic + "-value");
        assertThat(registry.getLatest(topic + "-value").schema()).isEqualTo(record.getSchema());
        assertThat(WireFormat.readId(bytes, 0))
                .isEqualTo(registry.getLatest(topic + "-value").id());
        serde.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contractRecords")
    void shouldRoundTripEveryContractRecordIntoAGivenReaderClass(String name, SpecificRecord record) {
        // given a serde built on a client with the record's class as reader class
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        @SuppressWarnings("unchecked")
        Class<SpecificRecord> type = (Class<SpecificRecord>) record.getClass();
        SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>(registry, type);

        // when the record goes through it (byte[] and ByteBuffer paths)
        byte[] bytes = serde.serializer().serialize("t", record);
        SpecificRecord fromArray = serde.deserializer().deserialize("t", bytes);
        byte[] padded = new byte[bytes.length + 7];
        System.arraycopy(bytes, 0, padded, 3, bytes.length);
        SpecificRecord fromBuffer = serde.deserializer()
                .deserialize("t", null, ByteBuffer.wrap(padded, 3, bytes.length).slice());

        // then both are equal to the original
        assertThat(fromArray).isEqualTo(record);
        assertThat(fromBuffer).isEqualTo(record);
    }

    @Test
    void shouldMapNullToNullBothWays() {
        // given a serde
        SpecificAvroSerde<RequestLog> serde = new SpecificAvroSerde<>(new InMemorySchemaRegistry());

        // when null goes through / then null comes out (tombstones)
        assertThat(serde.serializer().serialize("tollgate.requests", null)).isNull();
        assertThat(serde.deserializer().deserialize("tollgate.requests", null)).isNull();
        assertThat(serde.deserializer().deserialize("tollgate.requests", null, (ByteBuffer) null))
                .isNull();
    }

    @Test
    void shouldUseTheKeySubjectForAKeySerde() {
        // given a serde configured as a key serde
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        SpecificAvroSerde<GatePolicy> serde = new SpecificAvroSerde<>(registry);
        serde.configure(Map.of(), true);

        // when a record is serialized
        serde.serializer().serialize("tollgate.policies", ContractRecords.gatePolicy());

        // then the subject is <topic>-key
        assertThat(registry.subjects()).containsExactly("tollgate.policies-key");
    }

    @Test
    void shouldShareTheRegistryOfAMockScopeAndGiveOneIdToTheSameSchemaUnderTwoSubjects() {
        // given a producer-side and a consumer-side serde on the same mock:// scope
        Map<String, String> config = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + SCOPE);
        SpecificAvroSerde<RequestLog> producer = new SpecificAvroSerde<>();
        producer.configure(config, false);
        SpecificAvroSerde<RequestLog> consumer = new SpecificAvroSerde<>(RequestLog.class);
        consumer.configure(config, false);

        // when the same record type is written to two topics
        byte[] first = producer.serializer().serialize("a", ContractRecords.requestLog());
        byte[] second = producer.serializer().serialize("b", ContractRecords.requestLog());

        // then both carry the same id, and the other serde reads them
        assertThat(WireFormat.readId(first, 0)).isEqualTo(1).isEqualTo(WireFormat.readId(second, 0));
        assertThat(consumer.deserializer().deserialize("b", second)).isEqualTo(ContractRecords.requestLog());
    }

    @Test
    void shouldSerializeAndDeserializeConcurrentlyFromManyThreads() throws Exception {
        // given one serde shared by several threads, as Kafka Streams shares it between stream threads
        SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>(new InMemorySchemaRegistry());
        List<SpecificRecord> records = new ArrayList<>(ContractRecords.all().values());
        ExecutorService pool = Executors.newFixedThreadPool(4);

        // when every thread round-trips every record many times
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            results.add(pool.submit(() -> {
                int ok = 0;
                for (int i = 0; i < 500; i++) {
                    SpecificRecord record = records.get(i % records.size());
                    String topic = "topic-" + record.getSchema().getName();
                    byte[] bytes = serde.serializer().serialize(topic, record);
                    if (record.equals(serde.deserializer().deserialize(topic, bytes))) {
                        ok++;
                    }
                }
                return ok;
            }));
        }

        // then every round trip succeeded
        for (Future<Integer> result : results) {
            assertThat(result.get()).isEqualTo(500);
        }
        pool.shutdown();
    }
}

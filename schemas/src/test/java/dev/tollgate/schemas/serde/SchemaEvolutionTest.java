package dev.tollgate.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.StreamOutcome;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest {

    private static final String TOPIC = "tollgate.requests";
    private static final String SUBJECT = TOPIC + "-value";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    private static GenericRecord genericRequestLog(Schema schema) {
        GenericRecord record = new GenericData.Record(schema);
        record.put("service", "checkout");
        record.put("releaseId", "rel-1");
        record.put("revision", "checkout-00001");
        record.put("timestamp", 1_700_000_000_000L);
        record.put("status", 200);
        record.put("latencyMs", 12.5);
        record.put("coldStart", false);
        if (schema.getField("method") != null) {
            record.put("method", "PUT");
        }
        record.put("route", "/health");
        record.put("requestId", null);
        record.put("pinnedRelease", null);
        record.put(
                "streamOutcome",
                new GenericData.EnumSymbol(schema.getField("streamOutcome").schema(), "COMPLETED"));
        record.put("idempotencyKey", null);
        if (schema.getField("dedupeHit") != null) {
            record.put("dedupeHit", true);
        }
        record.put("schemaRev", null);
        record.put("indexHash", null);
        record.put("modelTag", null);
        return record;
    }

    @Test
    void shouldFillDefaultsWhenReadingARecordWrittenWithAnOlderSchema() {
        // given an older RequestLog schema without method (default "GET") and dedupeHit (default false),
        // registered as version 1, and the current schema registered as version 2
        Schema older = Schemas.withoutFields(RequestLog.getClassSchema(), "method", "dedupeHit");
        int olderId = registry.register(SUBJECT, older);
        registry.register(SUBJECT, RequestLog.getClassSchema());
        byte[] written = Schemas.wire(olderId, genericRequestLog(older));

        // when the current generated class reads it
        RequestLog log = new SpecificAvroDeserializer<RequestLog>(registry).deserialize(TOPIC, written);

        // then the missing fields have their defaults and the others their values
        assertThat(log.getMethod()).isEqualTo("GET");
        assertThat(log.getDedupeHit()).isFalse();
        assertThat(log.getService()).isEqualTo("checkout");
        assertThat(log.getRoute()).isEqualTo("/health");
        assertThat(log.getStreamOutcome()).isEqualTo(StreamOutcome.COMPLETED);
        assertThat(registry.versions(SUBJECT)).hasSize(2);
    }

    @Test
    void shouldIgnoreAFieldAddedByANewerWriterSchema() {
        // given a newer RequestLog schema with an extra field, registered after the current one
        registry.register(SUBJECT, RequestLog.getClassSchema());
        Schema newer = Schemas.withField(
                RequestLog.getClassSchema(), "{\"name\":\"region\",\"type\":\"string\",\"default\":\"eu\"}");
        int newerId = registry.register(SUBJECT, newer);
        GenericRecord record = genericRequestLog(newer);
        record.put("region", "us-east-1");
        byte[] written = Schemas.wire(newerId, record);

        // when the current generated class reads it
        RequestLog log = new SpecificAvroDeserializer<>(registry, RequestLog.class).deserialize(TOPIC, written);

        // then every known field is read and the extra one skipped
        assertThat(log.getMethod()).isEqualTo("PUT");
        assertThat(log.getDedupeHit()).isTrue();
        assertThat(log.getLatencyMs()).isEqualTo(12.5);
        assertThat(log.getStreamOutcome()).isEqualTo(StreamOutcome.COMPLETED);
    }

    @Test
    void shouldWriteWithTheLatestSchemaWhenUseLatestVersionIsSet() throws Exception {
        // given the subject's latest version is a newer schema with an extra defaulted field
        registry.register(SUBJECT, RequestLog.getClassSchema());
        Schema newer = Schemas.withField(
                RequestLog.getClassSchema(), "{\"name\":\"region\",\"type\":\"string\",\"default\":\"eu\"}");
        int newerId = registry.register(SUBJECT, newer);
        SpecificAvroSerializer<RequestLog> serializer = new SpecificAvroSerializer<>(registry);
        serializer.configure(
                Map.of(SerdeConfig.AUTO_REGISTER_SCHEMAS, "false", SerdeConfig.USE_LATEST_VERSION, "true"), false);

        // when a current record is serialized
        byte[] bytes = serializer.serialize(TOPIC, ContractRecords.requestLog());

        // then it carries the latest id, is encoded with the latest schema and reads back into the class
        assertThat(WireFormat.readId(bytes, 0)).isEqualTo(newerId);
        GenericRecord asLatest = new GenericDatumReader<GenericRecord>(newer)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertThat(asLatest.get("region")).hasToString("eu");
        assertThat(asLatest.get("requestId")).hasToString("req-7f3a");
        assertThat(new SpecificAvroDeserializer<RequestLog>(registry).deserialize(TOPIC, bytes))
                .isEqualTo(ContractRecords.requestLog());
    }

    @Test
    void shouldRefuseUseLatestVersionWhenTheLatestSchemaCannotReadTheRecord() {
        // given the latest version has a new field without default
        Schema newer = Schemas.withField(RequestLog.getClassSchema(), "{\"name\":\"region\",\"type\":\"string\"}");
        registry.register(SUBJECT, newer);
        SpecificAvroSerializer<RequestLog> serializer = new SpecificAvroSerializer<>(registry);
        serializer.configure(
                Map.of(SerdeConfig.AUTO_REGISTER_SCHEMAS, false, SerdeConfig.USE_LATEST_VERSION, true), false);

        // when a current record is serialized / then it fails naming the subject and the missing field
        assertThatThrownBy(() -> serializer.serialize(TOPIC, ContractRecords.requestLog()))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining(SUBJECT)
                .hasMessageContaining("on topic " + TOPIC)
                .hasMessageContaining("region");
    }

    @Test
    void shouldLookUpTheIdWithoutRegisteringWhenAutoRegisterIsOff() {
        // given auto-registration off and the schema registered under the subject beforehand
        int id = registry.register(SUBJECT, RequestLog.getClassSchema());
        SpecificAvroSerializer<RequestLog> serializer = new SpecificAvroSerializer<>(registry);
        serializer.configure(Map.of(SerdeConfig.AUTO_REGISTER_SCHEMAS, false), false);

        // when a record is written to that topic and to a topic whose subject does not hold the schema
        byte[] bytes = serializer.serialize(TOPIC, ContractRecords.requestLog());

        // then the first uses the registered id, the second fails and nothing new is registered
        assertThat(WireFormat.readId(bytes, 0)).isEqualTo(id);
        assertThatThrownBy(() -> serializer.serialize("other", ContractRecords.requestLog()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("other-value");
        assertThat(registry.subjects()).containsExactly(SUBJECT);
    }

    @Test
    void shouldRefuseToRegisterABackwardIncompatibleSchema() {
        // given the current schema is registered
        SpecificAvroSerializer<RequestLog> serializer = new SpecificAvroSerializer<>(registry);
        serializer.serialize(TOPIC, ContractRecords.requestLog());

        // when a new version adds a field without default / then the registry refuses it
        Schema breaking = Schemas.withField(RequestLog.getClassSchema(), "{\"name\":\"zone\",\"type\":\"int\"}");
        assertThatThrownBy(() -> registry.register(SUBJECT, breaking))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining(SUBJECT)
                .hasMessageContaining("BACKWARD")
                .hasMessageContaining("zone");
        assertThat(registry.versions(SUBJECT)).hasSize(1);
    }
}

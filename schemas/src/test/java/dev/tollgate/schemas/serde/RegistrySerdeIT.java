package dev.tollgate.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.testkit.RealRegistry;
import dev.tollgate.testkit.SchemaRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The serde and {@link HttpSchemaRegistryClient} against a real Apicurio registry's ccompat API. */
@RealRegistry
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RegistrySerdeIT {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static String topic(String name) {
        return "serde-it-" + name + "-" + UUID.randomUUID();
    }

    private static Map<String, Object> config(SchemaRegistry registry) {
        return Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
    }

    /** Sets the subject's compatibility rule through the ccompat API. */
    private static void setCompatibility(SchemaRegistry registry, String subject, String level)
            throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(registry.url() + "/config/" + subject))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", HttpSchemaRegistryClient.CONTENT_TYPE)
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"" + level + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(response.statusCode())
                .as("PUT /config/%s: %s", subject, response.body())
                .isEqualTo(200);
    }

    @Test
    void shouldRoundTripEveryContractRecordThroughTheRealRegistry(SchemaRegistry registry) {
        // given a producer-side serde and, separately, a consumer-side serde with its own (empty) caches
        SpecificAvroSerde<SpecificRecord> producer = new SpecificAvroSerde<>();
        producer.configure(config(registry), false);
        SpecificAvroSerde<SpecificRecord> consumer = new SpecificAvroSerde<>();
        consumer.configure(config(registry), false);

        for (Map.Entry<String, SpecificRecord> entry : ContractRecords.all().entrySet()) {
            String topic = topic(entry.getKey());

            // when each contract record is written (registering its schema) and read back
            byte[] bytes = producer.serializer().serialize(topic, entry.getValue());
            SpecificRecord back = consumer.deserializer().deserialize(topic, bytes);

            // then it is equal, and the registry serves the id written in the payload as the record's schema
            assertThat(back).as(entry.getKey()).isEqualTo(entry.getValue());
            int id = WireFormat.readId(bytes, 0);
            HttpSchemaRegistryClient fresh = new HttpSchemaRegistryClient(config(registry));
            assertThat(fresh.getById(id)).isEqualTo(entry.getValue().getSchema());
            assertThat(fresh.getLatest(topic + "-value").id()).isEqualTo(id);
            assertThat(fresh.getId(topic + "-value", entry.getValue().getSchema()))
                    .isEqualTo(id);
        }
        producer.close();
        consumer.close();
    }

    @Test
    void shouldReadARecordWrittenWithAnOlderSchemaVersion(SchemaRegistry registry) throws Exception {
        // given version 1 of a subject without method/dedupeHit, BACKWARD compatibility, and a record of it
        String topic = topic("evolution");
        String subject = topic + "-value";
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(config(registry));
        Schema older = Schemas.withoutFields(RequestLog.getClassSchema(), "method", "dedupeHit");
        int olderId = client.register(subject, older);
        setCompatibility(registry, subject, "BACKWARD");
        GenericRecord old = new GenericData.Record(older);
        old.put("service", "checkout");
        old.put("releaseId", "rel-1");
        old.put("revision", "checkout-00001");
        old.put("timestamp", 1_700_000_000_000L);
        old.put("status", 204);
        old.put("latencyMs", 3.5);
        old.put("coldStart", true);
        old.put(
                "streamOutcome",
                new GenericData.EnumSymbol(older.getField("streamOutcome").schema(), "NONE"));
        byte[] oldBytes = Schemas.wire(olderId, old);

        // when the current class registers version 2 and a fresh deserializer reads the old record
        SpecificAvroSerializer<RequestLog> serializer = new SpecificAvroSerializer<>();
        serializer.configure(config(registry), false);
        byte[] newBytes = serializer.serialize(topic, ContractRecords.requestLog());
        SpecificAvroDeserializer<RequestLog> deserializer = new SpecificAvroDeserializer<>(RequestLog.class);
        deserializer.configure(config(registry), false);
        RequestLog fromOld = deserializer.deserialize(topic, oldBytes);

        // then the old record gets the defaults, and the subject has two versions with distinct ids
        assertThat(fromOld.getMethod()).isEqualTo("GET");
        assertThat(fromOld.getDedupeHit()).isFalse();
        assertThat(fromOld.getStatus()).isEqualTo(204);
        assertThat(fromOld.getColdStart()).isTrue();
        assertThat(deserializer.deserialize(topic, newBytes)).isEqualTo(ContractRecords.requestLog());
        RegisteredSchema latest = client.getLatest(subject);
        assertThat(latest.version()).isEqualTo(2);
        assertThat(latest.id()).isEqualTo(WireFormat.readId(newBytes, 0)).isNotEqualTo(olderId);
    }

    @Test
    void shouldSurfaceARefusedIncompatibleChangeClearly(SchemaRegistry registry) throws Exception {
        // given a subject holding RequestLog under BACKWARD compatibility
        String topic = topic("incompatible");
        String subject = topic + "-value";
        SpecificAvroSerializer<RequestLog> serializer = new SpecificAvroSerializer<>();
        serializer.configure(config(registry), false);
        serializer.serialize(topic, ContractRecords.requestLog());
        setCompatibility(registry, subject, "BACKWARD");

        // when a version adding a field without default is registered
        Schema breaking = Schemas.withField(RequestLog.getClassSchema(), "{\"name\":\"zone\",\"type\":\"int\"}");
        IncompatibleSchemaException thrown = catchThrowableOfType(
                IncompatibleSchemaException.class,
                () -> new HttpSchemaRegistryClient(config(registry)).register(subject, breaking));

        // then the registry's 409 arrives as an IncompatibleSchemaException naming the subject and registry
        assertThat(thrown.httpStatus()).isEqualTo(409);
        assertThat(thrown)
                .hasMessageContaining(subject)
                .hasMessageContaining(registry.url())
                .hasMessageContaining("incompatible");
        assertThat(new HttpSchemaRegistryClient(config(registry))
                        .getLatest(subject)
                        .version())
                .isEqualTo(1);
    }

    @Test
    void shouldLookUpWithoutRegisteringAndReportAnUnknownSubjectOrId(SchemaRegistry registry) {
        // given a subject registered beforehand and a serializer that must not register
        String topic = topic("lookup");
        int id = new HttpSchemaRegistryClient(config(registry)).register(topic + "-value", RequestLog.getClassSchema());
        SpecificAvroSerializer<RequestLog> serializer = new SpecificAvroSerializer<>();
        serializer.configure(
                Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url(), SerdeConfig.AUTO_REGISTER_SCHEMAS, false),
                false);

        // when it writes to that topic and to an unknown one, and an unknown id is read
        byte[] bytes = serializer.serialize(topic, ContractRecords.requestLog());
        String unknownTopic = topic("unknown");
        SchemaRegistryException unknownSubject = catchThrowableOfType(
                SchemaRegistryException.class, () -> serializer.serialize(unknownTopic, ContractRecords.requestLog()));
        SpecificAvroDeserializer<RequestLog> deserializer = new SpecificAvroDeserializer<>();
        deserializer.configure(config(registry), false);
        UnknownSchemaIdException unknownId = catchThrowableOfType(
                UnknownSchemaIdException.class,
                () -> deserializer.deserialize(topic, new byte[] {0, 0x7f, 0, 0, 1, 0}));

        // then the looked-up id is used, and both failures are specific and name what is unknown
        assertThat(WireFormat.readId(bytes, 0)).isEqualTo(id);
        assertThat(unknownSubject.httpStatus()).isEqualTo(404);
        assertThat(unknownSubject).hasMessageContaining(unknownTopic + "-value");
        assertThat(unknownId.httpStatus()).isEqualTo(404);
        assertThat(unknownId.schemaId()).isEqualTo(0x7f000001);
        assertThat(unknownId).hasMessageContaining("Unknown schema id " + 0x7f000001 + " on topic " + topic);
    }
}

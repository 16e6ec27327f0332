package dev.tollgate.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.RequestLog;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class BadInputTest {

    private static final String TOPIC = "tollgate.requests";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final SpecificAvroSerializer<SpecificRecord> serializer = new SpecificAvroSerializer<>(registry);
    private final SpecificAvroDeserializer<SpecificRecord> deserializer = new SpecificAvroDeserializer<>(registry);

    @Test
    void shouldRejectAnUnknownMagicByteNamingTheTopic() {
        // given a JSON payload on an Avro topic
        byte[] json = "{\"service\":\"checkout\"}".getBytes(StandardCharsets.UTF_8);

        // when it is deserialized / then the magic byte and the topic are named
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, json))
                .isInstanceOf(UnknownMagicByteException.class)
                .isInstanceOf(SerializationException.class)
                .hasMessage("Unknown magic byte 0x7b on topic tollgate.requests (expected 0x00): "
                        + "not Confluent wire format");
    }

    @Test
    void shouldRejectAnUnknownSchemaId() {
        // given a payload with id 4711, which the registry never assigned
        byte[] payload = {0, 0, 0, 0x12, 0x67, 2, 'a'};

        // when it is deserialized / then the id and the topic are named
        UnknownSchemaIdException thrown =
                (UnknownSchemaIdException) catchThrowable(() -> deserializer.deserialize(TOPIC, payload));
        assertThat(thrown)
                .isInstanceOf(UnknownSchemaIdException.class)
                .hasMessageContaining("4711")
                .hasMessageContaining("on topic " + TOPIC);
        assertThat(thrown.schemaId()).isEqualTo(4711);
    }

    @Test
    void shouldRejectEveryTruncationOfAValidPayload() {
        // given a valid payload
        byte[] valid = serializer.serialize(TOPIC, ContractRecords.requestLog());

        // when any strict prefix of it is deserialized
        for (int length = 0; length < valid.length; length++) {
            byte[] prefix = Arrays.copyOf(valid, length);

            // then it fails as truncated, never returning a record or null
            assertThatThrownBy(() -> deserializer.deserialize(TOPIC, prefix))
                    .as("prefix of %d bytes", length)
                    .isInstanceOf(TruncatedPayloadException.class)
                    .hasMessageContaining("on topic " + TOPIC);
        }
    }

    @Test
    void shouldNameTheHeaderWhenThePayloadIsShorterThanIt() {
        // given 3 bytes
        byte[] payload = {0, 0, 0};

        // when deserialized / then the message says the header is missing
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, payload))
                .isExactlyInstanceOf(TruncatedPayloadException.class)
                .hasMessageContaining("3 bytes, shorter than the 5-byte Confluent header");
    }

    @Test
    void shouldRejectBytesLeftOverAfterTheRecord() {
        // given a valid payload with two extra bytes
        byte[] valid = serializer.serialize(TOPIC, ContractRecords.requestLog());
        byte[] padded = Arrays.copyOf(valid, valid.length + 2);

        // when it is deserialized / then the leftover is reported
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, padded))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("2 bytes left over");
    }

    @Test
    void shouldRejectANegativeLengthAndAnOutOfRangeUnionIndex() {
        // given a GateDecision payload whose first string length is -1 (zig-zag 01)
        byte[] valid = serializer.serialize("tollgate.decisions", ContractRecords.gateDecision());
        byte[] negativeLength = valid.clone();
        negativeLength[5] = 0x01;
        // and a RevisionPins payload whose first union branch is 5 (zig-zag 0x0a)
        byte[] pins = serializer.serialize("pins", ContractRecords.pins("x"));
        byte[] badBranch = pins.clone();
        badBranch[5] = 0x0a;

        // when they are deserialized / then both fail as malformed, naming the schema
        assertThatThrownBy(() -> deserializer.deserialize("tollgate.decisions", negativeLength))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining(GateDecision.class.getName());
        assertThatThrownBy(() -> deserializer.deserialize("pins", badBranch))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("on topic pins");
    }

    @Test
    void shouldNeverReturnARecordForRandomGarbageAfterAValidHeader() {
        // given the id of a registered RequestLog schema and a fixed random seed
        byte[] valid = serializer.serialize(TOPIC, ContractRecords.requestLog());
        Random random = new Random(42);

        for (int i = 0; i < 2_000; i++) {
            byte[] garbage = new byte[5 + random.nextInt(60)];
            random.nextBytes(garbage);
            System.arraycopy(valid, 0, garbage, 0, 5);

            // when garbage is deserialized
            Throwable thrown = catchThrowable(() -> deserializer.deserialize(TOPIC, garbage));

            // then it fails with a payload error (never an unchecked Avro exception or silent null)
            assertThat(thrown)
                    .as("garbage %d: %s", i, Arrays.toString(garbage))
                    .isInstanceOf(TruncatedPayloadException.class);
        }
    }

    @Test
    void shouldRejectAWriterSchemaThatCannotBeResolvedIntoTheGeneratedClass() {
        // given a writer schema named like RequestLog whose status is a string (not promotable to int)
        Schema writer = Schemas.withFieldType(RequestLog.getClassSchema(), "status", "\"string\"");
        int id = registry.register("elsewhere-value", writer);
        GenericRecord record = new GenericData.Record(writer);
        for (Schema.Field field : writer.getFields()) {
            if (field.hasDefaultValue()) {
                record.put(field.name(), GenericData.get().getDefaultValue(field));
            }
        }
        record.put("service", "s");
        record.put("releaseId", "r");
        record.put("revision", "v");
        record.put("timestamp", 1L);
        record.put("status", "OK");
        record.put("latencyMs", 1.0);
        byte[] payload = Schemas.wire(id, record);

        // when it is deserialized / then the mismatch is named
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, payload))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("schema id " + id)
                .hasMessageContaining("on topic " + TOPIC)
                .hasMessageContaining("status");
        // and again from the cached failure
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, payload))
                .isInstanceOf(IncompatibleSchemaException.class);
    }

    @Test
    void shouldRejectAWriterSchemaWithoutGeneratedClass() {
        // given a record of a schema no class on the class path is generated from
        Schema foreign = SchemaBuilder.record("Foreign")
                .namespace("com.example")
                .fields()
                .requiredString("name")
                .endRecord();
        int id = registry.register("foreign-value", foreign);
        GenericRecord record = new GenericData.Record(foreign);
        record.put("name", "x");

        // when it is deserialized / then the missing class is named
        assertThatThrownBy(() -> deserializer.deserialize("foreign", Schemas.wire(id, record)))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("com.example.Foreign");
    }

    @Test
    void shouldRejectARecordOfAnotherTypeWhenTheReaderClassIsGiven() {
        // given a RequestLog deserializer and a GateDecision payload
        SpecificAvroDeserializer<RequestLog> requestLogs = new SpecificAvroDeserializer<>(registry, RequestLog.class);
        byte[] decision = serializer.serialize("tollgate.decisions", ContractRecords.gateDecision());

        // when it is read / then it fails as incompatible, naming both
        assertThatThrownBy(() -> requestLogs.deserialize("tollgate.decisions", decision))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("GateDecision")
                .hasMessageContaining("RequestLog");
    }

    @Test
    void shouldReportARecordThatCannotBeEncoded() {
        // given a RequestLog with a null required field (builders refuse it, setters do not)
        RequestLog broken = ContractRecords.requestLog();
        broken.setService(null);

        // when it is serialized / then the failure names the record and the topic
        assertThatThrownBy(() -> serializer.serialize(TOPIC, broken))
                .isInstanceOf(TollgateSerializationException.class)
                .hasMessageContaining("RequestLog")
                .hasMessageContaining("on topic " + TOPIC);
    }

    @Test
    void shouldFailClearlyWhenUsedWithoutConfiguration() {
        // given serde halves built without client nor configure()
        SpecificAvroSerializer<RequestLog> unconfigured = new SpecificAvroSerializer<>();
        SpecificAvroDeserializer<RequestLog> unconfiguredReader = new SpecificAvroDeserializer<>();

        // when used / then they say what is missing
        assertThatThrownBy(() -> unconfigured.serialize(TOPIC, ContractRecords.requestLog()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(SerdeConfig.SCHEMA_REGISTRY_URL);
        assertThatThrownBy(() -> unconfiguredReader.deserialize(TOPIC, new byte[] {0, 0, 0, 0, 1, 0}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(SerdeConfig.SCHEMA_REGISTRY_URL);
        assertThatThrownBy(() -> new SpecificAvroSerde<RequestLog>().configure(Map.of(), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SerdeConfig.SCHEMA_REGISTRY_URL);
    }
}

package dev.tollgate.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.GateSettings;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RevisionPins;
import dev.tollgate.schemas.avro.StreamOutcome;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Expected bytes are written out by hand from the Avro specification, not computed with Avro. */
class WireFormatGoldenBytesTest {

    /** A client that answers one fixed id, so the header's byte order is visible. */
    private static final class FixedIdClient implements SchemaRegistryClient {
        private final int id;
        private Schema schema;

        FixedIdClient(int id) {
            this.id = id;
        }

        @Override
        public int register(String subject, Schema schema) {
            this.schema = schema;
            return id;
        }

        @Override
        public int getId(String subject, Schema schema) {
            return id;
        }

        @Override
        public Schema getById(int id) {
            return schema;
        }

        @Override
        public RegisteredSchema getLatest(String subject) {
            return new RegisteredSchema(id, 1, schema);
        }

        @Override
        public List<String> subjects() {
            return List.of();
        }
    }

    private static byte[] bytes(int... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int value : values) {
            out.write(value);
        }
        return out.toByteArray();
    }

    @Test
    void shouldWriteMagicByteBigEndianIdAndPlainAvroBinaryOfATinyRecord() {
        // given GateSettings{enabled=true, threshold=0.5, dryRun=false} and schema id 0x01020304
        SpecificAvroSerializer<GateSettings> serializer = new SpecificAvroSerializer<>(new FixedIdClient(0x01020304));
        GateSettings settings = GateSettings.newBuilder()
                .setEnabled(true)
                .setThreshold(0.5)
                .setDryRun(false)
                .build();

        // when it is serialized
        byte[] actual = serializer.serialize("t", settings);

        // then: magic 00, id 01 02 03 04, boolean true 01, union branch 1 (zig-zag 02),
        // double 0.5 = 0x3FE0000000000000 little-endian, boolean false 00
        assertThat(actual)
                .containsExactly(bytes(
                        0x00, 0x01, 0x02, 0x03, 0x04, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xE0, 0x3F,
                        0x00));
    }

    @Test
    void shouldWriteLengthPrefixedStringsAndNullUnionBranches() {
        // given RevisionPins{schemaRev="v2", indexHash=null, modelTag="m"} and schema id 7
        SpecificAvroSerializer<RevisionPins> serializer = new SpecificAvroSerializer<>(new FixedIdClient(7));
        RevisionPins pins = RevisionPins.newBuilder()
                .setSchemaRev("v2")
                .setIndexHash(null)
                .setModelTag("m")
                .build();

        // when it is serialized
        byte[] actual = serializer.serialize("t", pins);

        // then: header, branch 1 (02) + length 2 (04) "v2", branch 0 (00), branch 1 (02) + length 1 (02) "m"
        assertThat(actual)
                .containsExactly(bytes(0x00, 0x00, 0x00, 0x00, 0x07, 0x02, 0x04, 'v', '2', 0x00, 0x02, 0x02, 'm'));
    }

    @Test
    void shouldWriteZigZagVarintsOfARequestLogExactly() {
        // given a RequestLog with a negative timestamp, a two-byte varint status and an enum
        SpecificAvroSerializer<RequestLog> serializer = new SpecificAvroSerializer<>(new FixedIdClient(258));
        RequestLog log = RequestLog.newBuilder()
                .setService("a")
                .setReleaseId("r")
                .setRevision("b")
                .setTimestamp(-1L)
                .setStatus(200)
                .setLatencyMs(1.5)
                .setColdStart(true)
                .setMethod("GET")
                .setStreamOutcome(StreamOutcome.CUT)
                .setDedupeHit(false)
                .build();

        // when it is serialized
        byte[] actual = serializer.serialize("tollgate.requests", log);

        // then every field is the Avro binary encoding, in schema order
        assertThat(actual)
                .containsExactly(bytes(
                        0x00, 0x00, 0x00, 0x01, 0x02, // magic, id 258
                        0x02, 'a', // service
                        0x02, 'r', // releaseId
                        0x02, 'b', // revision
                        0x01, // timestamp -1 -> zig-zag 1
                        0x90, 0x03, // status 200 -> zig-zag 400 -> varint 90 03
                        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8, 0x3F, // latencyMs 1.5
                        0x01, // coldStart
                        0x06, 'G', 'E', 'T', // method
                        0x00, 0x00, 0x00, // route, requestId, pinnedRelease: null
                        0x04, // streamOutcome CUT = index 2
                        0x00, // idempotencyKey null
                        0x00, // dedupeHit false
                        0x00, 0x00, 0x00)); // schemaRev, indexHash, modelTag: null
    }

    @Test
    void shouldDecodeHandWrittenBytes() {
        // given hand-written wire bytes of RevisionPins{schemaRev=null, indexHash="h", modelTag=null} with id 1
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        registry.register("t-value", RevisionPins.getClassSchema());
        byte[] wire = bytes(0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x02, 'h', 0x00);

        // when they are deserialized
        RevisionPins pins = new SpecificAvroDeserializer<RevisionPins>(registry).deserialize("t", wire);

        // then the record is the one encoded
        assertThat(pins).isEqualTo(RevisionPins.newBuilder().setIndexHash("h").build());
    }
}

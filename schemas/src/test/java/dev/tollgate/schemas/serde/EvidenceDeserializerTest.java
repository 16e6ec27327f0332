package dev.tollgate.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.StreamOutcome;
import java.util.Arrays;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class EvidenceDeserializerTest {
    private static final String TOPIC = "tollgate.requests";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final SpecificAvroSerializer<SpecificRecord> serializer = new SpecificAvroSerializer<>(registry);
    private final SpecificAvroDeserializer<SpecificRecord> generic = new SpecificAvroDeserializer<>(registry);
    private final EvidenceDeserializer fast = new EvidenceDeserializer(new SpecificAvroDeserializer<>(registry));

    @Test
    void shouldReadTheCompiledRequestLogLayout() {
        // given the compiled RequestLog schema / then the fast reader was written for its layout
        assertThat(RequestLogReader.layoutOf(RequestLog.getClassSchema())).isEqualTo(RequestLogReader.LAYOUT);
        assertThat(RequestLogReader.ENABLED).isTrue();
    }

    @Test
    void shouldDecodeEveryRequestLogAsTheGenericDeserializerDoes() {
        // given request logs with every field varied: nulls, enum values, extremes, non-ASCII text
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            RequestLog log = randomLog(random, i);
            byte[] payload = serializer.serialize(TOPIC, log);

            // when both decode it
            SpecificRecord viaFast = fast.deserialize(TOPIC, payload);
            SpecificRecord viaGeneric = generic.deserialize(TOPIC, payload);

            // then the records are equal, field for field (NaN equal to NaN, as Objects.equals of boxed doubles)
            for (Schema.Field f : RequestLog.getClassSchema().getFields()) {
                assertThat(((RequestLog) viaFast).get(f.pos()))
                        .as("record %d field %s", i, f.name())
                        .isEqualTo(((RequestLog) viaGeneric).get(f.pos()))
                        .isEqualTo(log.get(f.pos()));
            }
        }
    }

    @Test
    void shouldTakeRepeatedStringsFromTheCacheOnTheFastPath() {
        // given two payloads of the same service and revision
        RequestLog a = ContractRecords.requestLog();
        RequestLog b = RequestLog.newBuilder(a).setRequestId("another").build();

        // when decoded
        RequestLog ra = (RequestLog) fast.deserialize(TOPIC, serializer.serialize(TOPIC, a));
        RequestLog rb = (RequestLog) fast.deserialize(TOPIC, serializer.serialize(TOPIC, b));

        // then the repeated strings are the same instances (the fast path ran), the request ids are not shared
        assertThat(rb.getService()).isSameAs(ra.getService());
        assertThat(rb.getReleaseId()).isSameAs(ra.getReleaseId());
        assertThat(rb.getRevision()).isSameAs(ra.getRevision());
        assertThat(rb.getMethod()).isSameAs(ra.getMethod());
        assertThat(rb.getRoute()).isNotNull().isSameAs(ra.getRoute());
        assertThat(rb.getRequestId()).isEqualTo("another");
    }

    @Test
    void shouldFailEveryTruncationWithTheGenericError() {
        // given a valid payload
        byte[] valid = serializer.serialize(TOPIC, ContractRecords.requestLog());
        fast.deserialize(TOPIC, valid);

        // when any strict prefix of it is decoded
        for (int length = 0; length < valid.length; length++) {
            byte[] prefix = Arrays.copyOf(valid, length);
            Throwable viaFast = catchThrowable(() -> fast.deserialize(TOPIC, prefix));
            Throwable viaGeneric = catchThrowable(() -> generic.deserialize(TOPIC, prefix));

            // then it fails exactly as the generic deserializer does
            assertThat(viaFast).as("prefix of %d bytes", length).isNotNull();
            assertThat(viaFast.getClass()).isEqualTo(viaGeneric.getClass());
            assertThat(viaFast).hasMessage(viaGeneric.getMessage());
        }
    }

    @Test
    void shouldFailBytesLeftOverAndBadUnionIndexesWithTheGenericError() {
        // given a payload with an extra byte, and one whose route union index is 2
        RequestLog log = RequestLog.newBuilder(ContractRecords.requestLog())
                .setRoute(null)
                .build();
        byte[] valid = serializer.serialize(TOPIC, log);
        byte[] padded = Arrays.copyOf(valid, valid.length + 1);
        byte[] badUnion = valid.clone();
        int routeIndex = indexOfRouteUnion(log, valid);
        badUnion[routeIndex] = 4; // zig-zag 2

        for (byte[] payload : new byte[][] {padded, badUnion}) {
            // when decoded
            Throwable viaFast = catchThrowable(() -> fast.deserialize(TOPIC, payload));
            Throwable viaGeneric = catchThrowable(() -> generic.deserialize(TOPIC, payload));

            // then the same error
            assertThat(viaFast).isInstanceOf(MalformedPayloadException.class);
            assertThat(viaFast.getClass()).isEqualTo(viaGeneric.getClass());
            assertThat(viaFast).hasMessage(viaGeneric.getMessage());
        }
    }

    @Test
    void shouldReadAnOlderWriterSchemaGenerically() {
        // given a RequestLog written with a schema that lacks the last field (another layout)
        Schema full = RequestLog.getClassSchema();
        Schema older = Schema.createRecord(full.getName(), full.getDoc(), full.getNamespace(), false);
        older.setFields(full.getFields().stream()
                .filter(f -> !f.name().equals("modelTag"))
                .map(f -> new Schema.Field(f, f.schema()))
                .toList());
        GenericRecord rec = new GenericData.Record(older);
        RequestLog log = ContractRecords.requestLog();
        for (Schema.Field f : older.getFields()) {
            rec.put(f.name(), log.get(f.name()));
        }
        byte[] payload = Schemas.wire(registry.register("older-value", older), rec);

        // when decoded / then resolved into the current class, the missing field at its default
        RequestLog read = (RequestLog) fast.deserialize(TOPIC, payload);
        assertThat(read).isEqualTo(generic.deserialize(TOPIC, payload));
        assertThat(read.getModelTag()).isNull();
        assertThat(EvidenceDeserializer.fastReadable(older)).isFalse();
        assertThat(EvidenceDeserializer.fastReadable(full)).isTrue();
    }

    @Test
    void shouldDecodeOtherEventTypesGenerically() {
        // given a side effect
        byte[] payload = serializer.serialize("tollgate.side-effects", ContractRecords.sideEffect());

        // when decoded / then as the generic deserializer does
        assertThat(fast.deserialize("tollgate.side-effects", payload))
                .isEqualTo(generic.deserialize("tollgate.side-effects", payload))
                .isEqualTo(ContractRecords.sideEffect());
    }

    @Test
    void shouldFailOverlongIntsBadEnumsAndBadLengthsWithTheGenericError() {
        // given hand-written bodies: a 6-byte status (Avro ints have at most 5), an overlong union index, an enum index
        // out of range, a negative string length, and for contrast the same record well-formed
        byte[] header =
                Arrays.copyOf(serializer.serialize(TOPIC, ContractRecords.requestLog()), WireFormat.HEADER_SIZE);
        byte[] good = body(header, new byte[] {(byte) 0xC8, 0x03}, new byte[] {0}, 0, 3);
        byte[] overlongStatus = body(
                header,
                new byte[] {(byte) 0xC8, (byte) 0x83, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00},
                new byte[] {0},
                0,
                3);
        byte[] overlongUnion = body(
                header,
                new byte[] {(byte) 0xC8, 0x03},
                new byte[] {(byte) 0x82, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00},
                0,
                3);
        byte[] badEnum = body(header, new byte[] {(byte) 0xC8, 0x03}, new byte[] {0}, 3, 3);
        byte[] negativeLength = body(header, new byte[] {(byte) 0xC8, 0x03}, new byte[] {0}, 0, -1);
        assertThat(fast.deserialize(TOPIC, good)).isEqualTo(generic.deserialize(TOPIC, good));

        for (byte[] payload : new byte[][] {overlongStatus, overlongUnion, badEnum, negativeLength}) {
            // when decoded
            Throwable viaFast = catchThrowable(() -> fast.deserialize(TOPIC, payload));
            Throwable viaGeneric = catchThrowable(() -> generic.deserialize(TOPIC, payload));

            // then the same error as the generic path, never a record
            assertThat(viaGeneric).as(Arrays.toString(payload)).isInstanceOf(TollgateSerializationException.class);
            assertThat(viaFast).isNotNull();
            assertThat(viaFast.getClass()).isEqualTo(viaGeneric.getClass());
            assertThat(viaFast).hasMessage(viaGeneric.getMessage());
        }
    }

    @Test
    void shouldLeaveAWriterSchemaTheGenericPathRejectsToIt() {
        // given a RequestLog writer schema whose streamOutcome enum has the same symbols under another name
        String json =
                RequestLog.getClassSchema().toString().replace("\"name\":\"StreamOutcome\"", "\"name\":\"StreamEnd\"");
        Schema renamed = new Schema.Parser().parse(json);
        GenericRecord rec = new GenericData.Record(renamed);
        RequestLog log = ContractRecords.requestLog();
        for (Schema.Field f : renamed.getFields()) {
            Object v = log.get(f.name());
            rec.put(f.name(), v instanceof Enum<?> e ? new GenericData.EnumSymbol(f.schema(), e.name()) : v);
        }
        byte[] payload = Schemas.wire(registry.register("renamed-value", renamed), rec);

        // when decoded / then both fail alike: the fast path does not read what the generic path refuses
        Throwable viaFast = catchThrowable(() -> fast.deserialize(TOPIC, payload));
        Throwable viaGeneric = catchThrowable(() -> generic.deserialize(TOPIC, payload));
        assertThat(viaGeneric).isInstanceOf(IncompatibleSchemaException.class);
        assertThat(viaFast).isInstanceOf(IncompatibleSchemaException.class).hasMessage(viaGeneric.getMessage());
        assertThat(EvidenceDeserializer.fastReadable(renamed)).isFalse();
    }

    /**
     * A RequestLog body written by hand: service "s", release "r", revision "v", timestamp 1, then the given status
     * bytes, latency 1.0, coldStart false, method of {@code methodLength} bytes ("GET" when 3, a raw negative length
     * when -1), the given route union bytes (then nothing more in the union when they say null), requestId and
     * pinnedRelease null, the given enum index, the rest null/false.
     */
    private static byte[] body(byte[] header, byte[] status, byte[] routeUnion, int outcome, int methodLength) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(header);
        for (String s : new String[] {"s", "r", "v"}) {
            out.write(2);
            out.write(s.charAt(0));
        }
        out.write(2); // timestamp 1
        out.writeBytes(status);
        out.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, (byte) 0xF0, 0x3F}); // 1.0
        out.write(0); // coldStart false
        if (methodLength == -1) {
            out.write(1); // zig-zag -1
        } else {
            out.write(methodLength * 2);
            out.write("GET".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, methodLength);
        }
        out.writeBytes(routeUnion);
        out.write(0); // requestId null
        out.write(0); // pinnedRelease null
        out.write(outcome * 2);
        out.write(0); // idempotencyKey null
        out.write(0); // dedupeHit false
        out.write(0); // schemaRev null
        out.write(0); // indexHash null
        out.write(0); // modelTag null
        return out.toByteArray();
    }

    private static int indexOfRouteUnion(RequestLog log, byte[] payload) {
        // the route union follows the method string; find it by decoding the prefix up to the method
        RequestLog prefix = RequestLog.newBuilder(log).build();
        int pos = WireFormat.HEADER_SIZE;
        for (String s : new String[] {prefix.getService(), prefix.getReleaseId(), prefix.getRevision()}) {
            pos += varintSize(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length * 2L)
                    + s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        pos += varintSize(zigzag(prefix.getTimestamp()));
        pos += varintSize(zigzag(prefix.getStatus()));
        pos += 8 + 1;
        byte[] method = prefix.getMethod().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        pos += varintSize(method.length * 2L) + method.length;
        assertThat(payload[pos]).as("route union index null").isEqualTo((byte) 0);
        return pos;
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7fL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static RequestLog randomLog(Random r, int i) {
        String[] words = {"checkout", "cart", "ünïcödé-服务", "", "a".repeat(70), "rev-" + (i % 5)};
        return RequestLog.newBuilder()
                .setService(words[r.nextInt(words.length)])
                .setReleaseId("rel-" + r.nextInt(3))
                .setRevision(words[r.nextInt(words.length)])
                .setTimestamp(
                        switch (i % 4) {
                            case 0 -> Long.MIN_VALUE;
                            case 1 -> Long.MAX_VALUE;
                            default -> r.nextLong();
                        })
                .setStatus(i % 3 == 0 ? Integer.MIN_VALUE + r.nextInt(2) : r.nextInt(600))
                .setLatencyMs(i % 7 == 0 ? Double.NaN : r.nextDouble() * 1e4 - 5)
                .setColdStart(r.nextBoolean())
                .setMethod(r.nextBoolean() ? "GET" : "POST")
                .setRoute(r.nextBoolean() ? null : "/r/" + r.nextInt(4))
                .setRequestId(r.nextBoolean() ? null : Long.toHexString(r.nextLong()))
                .setPinnedRelease(r.nextInt(4) == 0 ? "canary" : null)
                .setStreamOutcome(StreamOutcome.values()[r.nextInt(StreamOutcome.values().length)])
                .setIdempotencyKey(r.nextBoolean() ? null : "k-" + r.nextInt())
                .setDedupeHit(r.nextBoolean())
                .setSchemaRev(r.nextInt(3) == 0 ? "s" + r.nextInt(2) : null)
                .setIndexHash(r.nextInt(3) == 0 ? "i" + r.nextInt(2) : null)
                .setModelTag(r.nextInt(3) == 0 ? words[r.nextInt(words.length)] : null)
                .build();
    }
}

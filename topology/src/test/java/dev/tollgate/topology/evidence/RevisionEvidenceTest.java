package dev.tollgate.topology.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.topology.math.LinearTrend;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Unit tests of {@link RevisionEvidence}: compact codec and merge of partials. */
class RevisionEvidenceTest {

    /** Evidence with every field set to a distinct, non-default value. */
    private static RevisionEvidence full() {
        RevisionEvidence e = new RevisionEvidence();
        e.traffic.requests = 1_000;
        e.traffic.errors5xx = 7;
        e.traffic.coldStarts = 12;
        for (int i = 1; i <= 1_000; i++) {
            e.traffic.latency.add(i * 0.37);
        }
        e.traffic.latency.add(0);
        e.pins.combos.put(PinEvidence.pinKey("7", "idx-a", null), 40L);
        e.pins.combos.put(PinEvidence.pinKey("8", null, "gpt-x"), 2L);
        e.pins.pinnedValues.put("canary", 30L);
        e.pins.pinnedValues.put("rev-1", 3L);
        e.traffic.streamsCut = 4;
        e.dedupe.postDuplicates = 300;
        e.dedupe.postDuplicatesDeduped = 298;
        e.dedupe.sideEffects = 250;
        e.dedupe.sideEffectDuplicates = 2;
        e.dedupe.sideEffectExample = "key abc kind webhook executed by rev-1 and rev-2";
        e.queues.works = 90;
        e.queues.fenceViolations = 1;
        e.queues.fenceExample = "queue orders partition 3 offset 42 worked by rev-1 and rev-2";
        e.probes.deltaS.put("q1", new double[] {0.25, 2});
        e.probes.deltaS.put("q2", new double[] {0.125, 1});
        e.probes.seeds.put(1L, new long[] {10, 0});
        e.probes.seeds.put(-2L, new long[] {9, 1});
        e.probes.lambdaExample = "seed -2 question q2 DIVERGENT";
        e.queues.age("0").add(1_767_000_000.0, 120);
        e.queues.age("0").add(1_767_000_001.0, 130);
        e.queues.age("0").add(1_767_000_002.5, 128);
        e.queues.age("7").add(1_767_000_000.0, 5);
        e.gauges.warm(1_767_000_000_500L, 6);
        e.gauges.expectedLoad(1_767_000_000_600L, 4.5);
        e.traffic.releaseId = "rel-9";
        e.traffic.requestsAfterWarmup = 800;
        e.traffic.coldStartsAfterWarmup = 3;
        e.pins.carrying = 42;
        e.pins.mismatches = 2;
        e.pins.mismatchExample = "schemaRev 8 != served 7 on canary rev-2";
        e.pins.pinnedRequests = 33;
        e.pins.misrouted = 3;
        e.traffic.streamsCutOld = 4;
        e.traffic.lastRequestTick = 1_767_000_002_000L;
        return e;
    }

    private static byte[] encode(RevisionEvidence e) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        e.writeTo(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static RevisionEvidence decode(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        RevisionEvidence e = RevisionEvidence.readFrom(in);
        assertThat(in.available()).as("trailing bytes").isZero();
        return e;
    }

    /** Every field of every concern: a field added to a concern is covered without touching this test. */
    private static List<Field> fields() {
        List<Field> out = new ArrayList<>();
        for (EvidenceConcern<?> c : new RevisionEvidence().concerns()) {
            for (Field f : c.getClass().getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    f.setAccessible(true);
                    out.add(f);
                }
            }
        }
        return out;
    }

    /** The value of a concern's field in {@code e}. */
    private static Object value(RevisionEvidence e, Field f) throws IllegalAccessException {
        for (EvidenceConcern<?> c : e.concerns()) {
            if (c.getClass() == f.getDeclaringClass()) {
                return f.get(c);
            }
        }
        throw new AssertionError("no concern declares " + f);
    }

    /** Whether a field value differs from what a fresh instance holds. */
    private static boolean populated(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Long l) {
            return l != 0 && l != Long.MIN_VALUE;
        }
        if (v instanceof Double d) {
            return !d.isNaN() && d != 0;
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (v instanceof LatencySketch s) {
            return s.count() > 0;
        }
        return true;
    }

    /** Deep, representation-level equality of two field values. */
    private static void assertSameValue(String name, Object expected, Object actual) {
        if (expected instanceof Map<?, ?> m) {
            assertThat((Map<?, ?>) actual).as(name).hasSameSizeAs(m);
            for (Map.Entry<?, ?> e : m.entrySet()) {
                assertThat(((Map<?, ?>) actual).containsKey(e.getKey()))
                        .as(name + " key " + e.getKey())
                        .isTrue();
                assertSameValue(name + "[" + e.getKey() + "]", e.getValue(), ((Map<?, ?>) actual).get(e.getKey()));
            }
        } else if (expected instanceof LinearTrend t) {
            assertThat(dev.tollgate.topology.math.LinearTrendBytes.toBytes((LinearTrend) actual))
                    .as(name)
                    .isEqualTo(dev.tollgate.topology.math.LinearTrendBytes.toBytes(t));
        } else if (expected instanceof double[] d) {
            assertThat((double[]) actual).as(name).containsExactly(d);
        } else if (expected instanceof long[] l) {
            assertThat((long[]) actual).as(name).containsExactly(l);
        } else {
            assertThat(actual).as(name).isEqualTo(expected);
        }
    }

    @Test
    void shouldPopulateEveryFieldInTheFixture() throws IllegalAccessException {
        // guards the round-trip test: a field added later must be added to the fixture too
        RevisionEvidence e = full();
        for (Field f : fields()) {
            assertThat(populated(value(e, f)))
                    .as("field %s is populated in full()", f.getName())
                    .isTrue();
        }
    }

    @Test
    void shouldRoundTripEveryFieldThroughTheCodec() throws IOException, IllegalAccessException {
        // given evidence with every field populated
        RevisionEvidence e = full();

        // when
        byte[] bytes = encode(e);
        RevisionEvidence back = decode(bytes);

        // then every field comes back identical, and re-encoding gives the same bytes
        for (Field f : fields()) {
            assertSameValue(f.getName(), value(e, f), value(back, f));
        }
        assertThat(back.traffic.latency.quantile(0.95)).isEqualTo(e.traffic.latency.quantile(0.95));
        assertThat(PinEvidence.pinParts(back.pins.combos.firstKey())).containsExactly("7", "idx-a", null);
        assertThat(encode(back)).isEqualTo(bytes);
    }

    @Test
    void shouldRoundTripEmptyEvidence() throws IOException, IllegalAccessException {
        // given
        RevisionEvidence e = new RevisionEvidence();

        // when
        RevisionEvidence back = decode(encode(e));

        // then
        assertThat(back.isEmpty()).isTrue();
        for (Field f : fields()) {
            assertSameValue(f.getName(), value(e, f), value(back, f));
        }
    }

    @Test
    void shouldHoldEveryConcernInItsConcernList() throws IllegalAccessException {
        // a concern added as a field but left out of concerns() would be neither merged nor encoded
        RevisionEvidence e = new RevisionEvidence();
        List<Object> listed = new ArrayList<>(e.concerns());
        for (Field f : RevisionEvidence.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                assertThat(listed).as("concerns() lists field %s", f.getName()).contains(f.get(e));
            }
        }
        assertThat(listed).extracting(c -> ((EvidenceConcern<?>) c).tag()).doesNotHaveDuplicates();
    }

    @Test
    void shouldRoundTripEachConcernAloneAndSkipUnknownSections() throws IOException {
        // given evidence in which only the probes are set, plus a section of a concern this build does not know
        RevisionEvidence e = new RevisionEvidence();
        e.probes.deltaS.put("q1", new double[] {0.5, 1});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        dev.tollgate.topology.codec.StateIo.writeInt(out, 2);
        dev.tollgate.topology.codec.StateIo.writeSection(out, e.probes.tag(), e.probes.version(), e.probes::writeTo);
        dev.tollgate.topology.codec.StateIo.writeSection(out, 99, 1, o -> o.writeUTF("from a newer Tollgate"));

        // when
        RevisionEvidence back = decode(bytes.toByteArray());

        // then the known concern is read, the unknown one skipped, the missing ones empty
        assertThat(back.probes.deltaS.get("q1")).containsExactly(0.5, 1);
        assertThat(back.traffic.isEmpty()).isTrue();
        assertThat(encode(back)).isEqualTo(encode(e));
    }

    @Test
    void shouldFailNamingTheConcernOnAnUnknownLayoutVersion() throws IOException {
        // given a traffic section of a layout version this build has no reader for
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        dev.tollgate.topology.codec.StateIo.writeInt(out, 1);
        dev.tollgate.topology.codec.StateIo.writeSection(out, new TrafficEvidence().tag(), 77, o -> o.writeLong(1));

        // when / then
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> decode(bytes.toByteArray()))
                .isInstanceOf(dev.tollgate.topology.codec.UnknownStateVersionException.class)
                .hasMessageContaining("traffic evidence format version 77");
    }

    @Test
    void shouldRoundTripPinKeysWithAbsentParts() {
        assertThat(PinEvidence.pinParts(PinEvidence.pinKey(null, null, null))).containsExactly(null, null, null);
        assertThat(PinEvidence.pinParts(PinEvidence.pinKey("", "h", null))).containsExactly("", "h", null);
        assertThat(PinEvidence.pinKey(null, "x", null)).isNotEqualTo(PinEvidence.pinKey("x", null, null));
    }

    @Test
    void shouldAddCountersSketchesAndMapsOnMerge() {
        // given two partials
        RevisionEvidence a = full();
        RevisionEvidence b = full();
        b.pins.pinnedValues.put("baseline", 5L);
        b.queues.age("9").add(1_767_000_000.0, 1);

        // when
        a.merge(b);

        // then counters add
        assertThat(a.traffic.requests).isEqualTo(2_000);
        assertThat(a.traffic.errors5xx).isEqualTo(14);
        assertThat(a.traffic.coldStarts).isEqualTo(24);
        assertThat(a.traffic.streamsCut).isEqualTo(8);
        assertThat(a.dedupe.postDuplicates).isEqualTo(600);
        assertThat(a.dedupe.postDuplicatesDeduped).isEqualTo(596);
        assertThat(a.dedupe.sideEffects).isEqualTo(500);
        assertThat(a.dedupe.sideEffectDuplicates).isEqualTo(4);
        assertThat(a.queues.works).isEqualTo(180);
        assertThat(a.queues.fenceViolations).isEqualTo(2);
        assertThat(a.traffic.requestsAfterWarmup).isEqualTo(1_600);
        assertThat(a.traffic.coldStartsAfterWarmup).isEqualTo(6);
        assertThat(a.pins.carrying).isEqualTo(84);
        assertThat(a.pins.mismatches).isEqualTo(4);
        assertThat(a.pins.pinnedRequests).isEqualTo(66);
        assertThat(a.pins.misrouted).isEqualTo(6);
        assertThat(a.traffic.streamsCutOld).isEqualTo(8);
        // the sketch holds both partials
        assertThat(a.traffic.latency.count()).isEqualTo(2_002);
        // maps merge per key
        assertThat(a.pins.combos).containsEntry(PinEvidence.pinKey("7", "idx-a", null), 80L);
        assertThat(a.pins.pinnedValues).containsEntry("canary", 60L).containsEntry("baseline", 5L);
        assertThat(a.probes.deltaS.get("q1")).containsExactly(0.5, 4);
        assertThat(a.probes.seeds.get(-2L)).containsExactly(18, 2);
        assertThat(a.queues.age.get("0").count()).isEqualTo(6);
        assertThat(a.queues.age.get("9").count()).isEqualTo(1);
        // the partial merged in is not aliased
        b.probes.deltaS.get("q1")[0] = 100;
        b.probes.seeds.get(1L)[0] = 100;
        b.queues.age("0").add(1_767_000_003.0, 1);
        assertThat(a.probes.deltaS.get("q1")[0]).isEqualTo(0.5);
        assertThat(a.probes.seeds.get(1L)[0]).isEqualTo(20);
        assertThat(a.queues.age.get("0").count()).isEqualTo(6);
    }

    @Test
    void shouldMergeIntoEmptyEvidenceAsACopy() throws IOException {
        // given
        RevisionEvidence e = full();
        RevisionEvidence target = new RevisionEvidence();

        // when
        target.merge(e);

        // then
        assertThat(encode(target)).isEqualTo(encode(e));
    }

    @Test
    void shouldMergeAssociativelyAndCommutativelyOnCounts() {
        // given three partials with different counts
        RevisionEvidence[] p = new RevisionEvidence[3];
        for (int i = 0; i < 3; i++) {
            p[i] = new RevisionEvidence();
            p[i].traffic.requests = 10 * (i + 1);
            p[i].traffic.errors5xx = i;
            p[i].traffic.latency.add(10 + i);
            p[i].probes.deltaS.put("q", new double[] {0.1 * i, 1});
        }

        // when merged in two different orders
        RevisionEvidence x = new RevisionEvidence();
        x.merge(p[0]);
        x.merge(p[1]);
        x.merge(p[2]);
        RevisionEvidence y = new RevisionEvidence();
        RevisionEvidence y12 = new RevisionEvidence();
        y12.merge(p[2]);
        y12.merge(p[1]);
        y.merge(y12);
        y.merge(p[0]);

        // then
        assertThat(y.traffic.requests).isEqualTo(x.traffic.requests).isEqualTo(60);
        assertThat(y.traffic.errors5xx).isEqualTo(x.traffic.errors5xx).isEqualTo(3);
        assertThat(y.traffic.latency).isEqualTo(x.traffic.latency);
        assertThat(y.probes.deltaS.get("q")[0]).isCloseTo(x.probes.deltaS.get("q")[0], within(1e-12));
        assertThat(y.probes.deltaS.get("q")[1]).isEqualTo(3);
    }

    @Test
    void shouldKeepTheLatestGaugeSamplesOnMerge() {
        // given an older and a newer warm_instances / expected_p50_load sample
        RevisionEvidence older = new RevisionEvidence();
        older.gauges.warm(1_000, 2);
        older.gauges.expectedLoad(1_000, 3);
        RevisionEvidence newer = new RevisionEvidence();
        newer.gauges.warm(2_000, 5);
        newer.gauges.expectedLoad(2_000, 4);

        // when merged either way
        RevisionEvidence a = new RevisionEvidence();
        a.merge(newer);
        a.merge(older);
        RevisionEvidence b = new RevisionEvidence();
        b.merge(older);
        b.merge(newer);

        // then the newest sample wins
        for (RevisionEvidence e : List.of(a, b)) {
            assertThat(e.gauges.warmInstances).isEqualTo(5.0);
            assertThat(e.gauges.warmAt).isEqualTo(2_000);
            assertThat(e.gauges.expectedLoad).isEqualTo(4.0);
        }
        // and a partial without gauges does not erase them
        a.merge(new RevisionEvidence());
        assertThat(a.gauges.warmInstances).isEqualTo(5.0);
        // and an older direct sample does not override a newer one
        a.gauges.warm(1_500, 1);
        assertThat(a.gauges.warmInstances).isEqualTo(5.0);
    }

    @Test
    void shouldKeepTheFirstExamplesAndTheLatestRequestTickOnMerge() {
        // given
        RevisionEvidence a = new RevisionEvidence();
        a.traffic.lastRequestTick = 5_000;
        RevisionEvidence b = full();
        RevisionEvidence c = full();
        c.dedupe.sideEffectExample = "second";
        c.queues.fenceExample = "second";
        c.probes.lambdaExample = "second";
        c.pins.mismatchExample = "second";
        c.traffic.lastRequestTick = 1_000;

        // when
        a.merge(b);
        a.merge(c);

        // then the first example seen is kept and the latest request tick wins
        assertThat(a.dedupe.sideEffectExample).isEqualTo(b.dedupe.sideEffectExample);
        assertThat(a.queues.fenceExample).isEqualTo(b.queues.fenceExample);
        assertThat(a.probes.lambdaExample).isEqualTo(b.probes.lambdaExample);
        assertThat(a.pins.mismatchExample).isEqualTo(b.pins.mismatchExample);
        assertThat(a.traffic.lastRequestTick).isEqualTo(b.traffic.lastRequestTick);
        assertThat(a.traffic.releaseId).isEqualTo("rel-9");
    }

    @Test
    void shouldBeEmptyOnlyWithoutAnyEvidence() {
        assertThat(new RevisionEvidence().isEmpty()).isTrue();
        RevisionEvidence gauge = new RevisionEvidence();
        gauge.gauges.warm(1, 3);
        assertThat(gauge.isEmpty()).isFalse();
        assertThat(full().isEmpty()).isFalse();
    }
}

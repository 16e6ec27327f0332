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
        e.requests = 1_000;
        e.errors5xx = 7;
        e.coldStarts = 12;
        for (int i = 1; i <= 1_000; i++) {
            e.latency.add(i * 0.37);
        }
        e.latency.add(0);
        e.pinCombos.put(RevisionEvidence.pinKey("7", "idx-a", null), 40L);
        e.pinCombos.put(RevisionEvidence.pinKey("8", null, "gpt-x"), 2L);
        e.pinnedValues.put("canary", 30L);
        e.pinnedValues.put("rev-1", 3L);
        e.streamsCut = 4;
        e.postDuplicates = 300;
        e.postDuplicatesDeduped = 298;
        e.sideEffects = 250;
        e.sideEffectDuplicates = 2;
        e.sideEffectExample = "key abc kind webhook executed by rev-1 and rev-2";
        e.queueWorks = 90;
        e.fenceViolations = 1;
        e.fenceExample = "queue orders partition 3 offset 42 worked by rev-1 and rev-2";
        e.probeDeltaS.put("q1", new double[] {0.25, 2});
        e.probeDeltaS.put("q2", new double[] {0.125, 1});
        e.probeSeeds.put(1L, new long[] {10, 0});
        e.probeSeeds.put(-2L, new long[] {9, 1});
        e.lambdaExample = "seed -2 question q2 DIVERGENT";
        e.queueAge("0").add(1_767_000_000.0, 120);
        e.queueAge("0").add(1_767_000_001.0, 130);
        e.queueAge("0").add(1_767_000_002.5, 128);
        e.queueAge("7").add(1_767_000_000.0, 5);
        e.warm(1_767_000_000_500L, 6);
        e.expectedLoad(1_767_000_000_600L, 4.5);
        e.releaseId = "rel-9";
        e.requestsAfterWarmup = 800;
        e.coldStartsAfterWarmup = 3;
        e.pinCarrying = 42;
        e.pinMismatches = 2;
        e.pinMismatchExample = "schemaRev 8 != served 7 on canary rev-2";
        e.pinnedRequests = 33;
        e.misrouted = 3;
        e.streamsCutOld = 4;
        e.lastRequestTick = 1_767_000_002_000L;
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

    private static List<Field> fields() {
        List<Field> out = new ArrayList<>();
        for (Field f : RevisionEvidence.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                out.add(f);
            }
        }
        return out;
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
                assertThat(((Map<?, ?>) actual).containsKey(e.getKey())).as(name + " key " + e.getKey()).isTrue();
                assertSameValue(name + "[" + e.getKey() + "]", e.getValue(), ((Map<?, ?>) actual).get(e.getKey()));
            }
        } else if (expected instanceof LinearTrend t) {
            assertThat(((LinearTrend) actual).toBytes()).as(name).isEqualTo(t.toBytes());
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
            assertThat(populated(f.get(e))).as("field %s is populated in full()", f.getName()).isTrue();
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
            assertSameValue(f.getName(), f.get(e), f.get(back));
        }
        assertThat(back.latency.quantile(0.95)).isEqualTo(e.latency.quantile(0.95));
        assertThat(RevisionEvidence.pinParts(back.pinCombos.firstKey())).containsExactly("7", "idx-a", null);
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
            assertSameValue(f.getName(), f.get(e), f.get(back));
        }
    }

    @Test
    void shouldRoundTripPinKeysWithAbsentParts() {
        assertThat(RevisionEvidence.pinParts(RevisionEvidence.pinKey(null, null, null))).containsExactly(null, null, null);
        assertThat(RevisionEvidence.pinParts(RevisionEvidence.pinKey("", "h", null))).containsExactly("", "h", null);
        assertThat(RevisionEvidence.pinKey(null, "x", null)).isNotEqualTo(RevisionEvidence.pinKey("x", null, null));
    }

    @Test
    void shouldAddCountersSketchesAndMapsOnMerge() {
        // given two partials
        RevisionEvidence a = full();
        RevisionEvidence b = full();
        b.pinnedValues.put("baseline", 5L);
        b.queueAge("9").add(1_767_000_000.0, 1);

        // when
        a.merge(b);

        // then counters add
        assertThat(a.requests).isEqualTo(2_000);
        assertThat(a.errors5xx).isEqualTo(14);
        assertThat(a.coldStarts).isEqualTo(24);
        assertThat(a.streamsCut).isEqualTo(8);
        assertThat(a.postDuplicates).isEqualTo(600);
        assertThat(a.postDuplicatesDeduped).isEqualTo(596);
        assertThat(a.sideEffects).isEqualTo(500);
        assertThat(a.sideEffectDuplicates).isEqualTo(4);
        assertThat(a.queueWorks).isEqualTo(180);
        assertThat(a.fenceViolations).isEqualTo(2);
        assertThat(a.requestsAfterWarmup).isEqualTo(1_600);
        assertThat(a.coldStartsAfterWarmup).isEqualTo(6);
        assertThat(a.pinCarrying).isEqualTo(84);
        assertThat(a.pinMismatches).isEqualTo(4);
        assertThat(a.pinnedRequests).isEqualTo(66);
        assertThat(a.misrouted).isEqualTo(6);
        assertThat(a.streamsCutOld).isEqualTo(8);
        // the sketch holds both partials
        assertThat(a.latency.count()).isEqualTo(2_002);
        // maps merge per key
        assertThat(a.pinCombos).containsEntry(RevisionEvidence.pinKey("7", "idx-a", null), 80L);
        assertThat(a.pinnedValues).containsEntry("canary", 60L).containsEntry("baseline", 5L);
        assertThat(a.probeDeltaS.get("q1")).containsExactly(0.5, 4);
        assertThat(a.probeSeeds.get(-2L)).containsExactly(18, 2);
        assertThat(a.queueAge.get("0").count()).isEqualTo(6);
        assertThat(a.queueAge.get("9").count()).isEqualTo(1);
        // the partial merged in is not aliased
        b.probeDeltaS.get("q1")[0] = 100;
        b.probeSeeds.get(1L)[0] = 100;
        b.queueAge("0").add(1_767_000_003.0, 1);
        assertThat(a.probeDeltaS.get("q1")[0]).isEqualTo(0.5);
        assertThat(a.probeSeeds.get(1L)[0]).isEqualTo(20);
        assertThat(a.queueAge.get("0").count()).isEqualTo(6);
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
            p[i].requests = 10 * (i + 1);
            p[i].errors5xx = i;
            p[i].latency.add(10 + i);
            p[i].probeDeltaS.put("q", new double[] {0.1 * i, 1});
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
        assertThat(y.requests).isEqualTo(x.requests).isEqualTo(60);
        assertThat(y.errors5xx).isEqualTo(x.errors5xx).isEqualTo(3);
        assertThat(y.latency).isEqualTo(x.latency);
        assertThat(y.probeDeltaS.get("q")[0]).isCloseTo(x.probeDeltaS.get("q")[0], within(1e-12));
        assertThat(y.probeDeltaS.get("q")[1]).isEqualTo(3);
    }

    @Test
    void shouldKeepTheLatestGaugeSamplesOnMerge() {
        // given an older and a newer warm_instances / expected_p50_load sample
        RevisionEvidence older = new RevisionEvidence();
        older.warm(1_000, 2);
        older.expectedLoad(1_000, 3);
        RevisionEvidence newer = new RevisionEvidence();
        newer.warm(2_000, 5);
        newer.expectedLoad(2_000, 4);

        // when merged either way
        RevisionEvidence a = new RevisionEvidence();
        a.merge(newer);
        a.merge(older);
        RevisionEvidence b = new RevisionEvidence();
        b.merge(older);
        b.merge(newer);

        // then the newest sample wins
        for (RevisionEvidence e : List.of(a, b)) {
            assertThat(e.warmInstances).isEqualTo(5.0);
            assertThat(e.warmAt).isEqualTo(2_000);
            assertThat(e.expectedLoad).isEqualTo(4.0);
        }
        // and a partial without gauges does not erase them
        a.merge(new RevisionEvidence());
        assertThat(a.warmInstances).isEqualTo(5.0);
        // and an older direct sample does not override a newer one
        a.warm(1_500, 1);
        assertThat(a.warmInstances).isEqualTo(5.0);
    }

    @Test
    void shouldKeepTheFirstExamplesAndTheLatestRequestTickOnMerge() {
        // given
        RevisionEvidence a = new RevisionEvidence();
        a.lastRequestTick = 5_000;
        RevisionEvidence b = full();
        RevisionEvidence c = full();
        c.sideEffectExample = "second";
        c.fenceExample = "second";
        c.lambdaExample = "second";
        c.pinMismatchExample = "second";
        c.lastRequestTick = 1_000;

        // when
        a.merge(b);
        a.merge(c);

        // then the first example seen is kept and the latest request tick wins
        assertThat(a.sideEffectExample).isEqualTo(b.sideEffectExample);
        assertThat(a.fenceExample).isEqualTo(b.fenceExample);
        assertThat(a.lambdaExample).isEqualTo(b.lambdaExample);
        assertThat(a.pinMismatchExample).isEqualTo(b.pinMismatchExample);
        assertThat(a.lastRequestTick).isEqualTo(b.lastRequestTick);
        assertThat(a.releaseId).isEqualTo("rel-9");
    }

    @Test
    void shouldBeEmptyOnlyWithoutAnyEvidence() {
        assertThat(new RevisionEvidence().isEmpty()).isTrue();
        RevisionEvidence gauge = new RevisionEvidence();
        gauge.warm(1, 3);
        assertThat(gauge.isEmpty()).isFalse();
        assertThat(full().isEmpty()).isFalse();
    }
}

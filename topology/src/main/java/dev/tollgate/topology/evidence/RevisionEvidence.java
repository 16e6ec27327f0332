package dev.tollgate.topology.evidence;

import dev.tollgate.topology.codec.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * Mergeable evidence of one revision over a span of event time: the raw partial of one tick, or the aggregate
 * of a whole step. It is the sum of its concerns, each a value that owns its fields, merge, emptiness and
 * encoding: {@link TrafficEvidence requests and latency}, {@link PinEvidence pins and routing},
 * {@link DedupeEvidence side effects and dedupe}, {@link QueueEvidence queues}, {@link ProbeEvidence probes}
 * and {@link GaugeEvidence gauges}. Everything is counts, sums and sketches, so partials merge exactly and
 * state stays bounded whatever the traffic.
 *
 * <p>Encoding (state format v2): the number of non-empty concerns, then one tagged, versioned, length-prefixed
 * section per non-empty concern ({@link StateIo#writeSection}); a missing section reads as an empty concern.
 */
public final class RevisionEvidence {
    public final TrafficEvidence traffic;
    public final PinEvidence pins;
    public final DedupeEvidence dedupe;
    public final QueueEvidence queues;
    public final ProbeEvidence probes;
    public final GaugeEvidence gauges;

    public RevisionEvidence() {
        this(
                new TrafficEvidence(),
                new PinEvidence(),
                new DedupeEvidence(),
                new QueueEvidence(),
                new ProbeEvidence(),
                new GaugeEvidence());
    }

    RevisionEvidence(
            TrafficEvidence traffic,
            PinEvidence pins,
            DedupeEvidence dedupe,
            QueueEvidence queues,
            ProbeEvidence probes,
            GaugeEvidence gauges) {
        this.traffic = traffic;
        this.pins = pins;
        this.dedupe = dedupe;
        this.queues = queues;
        this.probes = probes;
        this.gauges = gauges;
    }

    /** The concerns, in section order. */
    public List<EvidenceConcern<?>> concerns() {
        return List.of(traffic, pins, dedupe, queues, probes, gauges);
    }

    /** Adds another partial, concern by concern. */
    public void merge(RevisionEvidence o) {
        traffic.merge(o.traffic);
        pins.merge(o.pins);
        dedupe.merge(o.dedupe);
        queues.merge(o.queues);
        probes.merge(o.probes);
        gauges.merge(o.gauges);
    }

    /** Whether nothing at all was recorded. */
    public boolean isEmpty() {
        return traffic.isEmpty()
                && pins.isEmpty()
                && dedupe.isEmpty()
                && queues.isEmpty()
                && probes.isEmpty()
                && gauges.isEmpty();
    }

    /** Writes the non-empty concerns as sections. */
    public void writeTo(DataOutput out) throws IOException {
        List<EvidenceConcern<?>> all = concerns();
        int present = 0;
        for (EvidenceConcern<?> c : all) {
            present += c.isEmpty() ? 0 : 1;
        }
        StateIo.writeInt(out, present);
        for (EvidenceConcern<?> c : all) {
            if (!c.isEmpty()) {
                StateIo.writeSection(out, c.tag(), c.version(), c::writeTo);
            }
        }
    }

    /** Reads {@link #writeTo}: unknown concerns (a newer writer's) are skipped, missing ones are empty. */
    public static RevisionEvidence readFrom(DataInput in) throws IOException {
        RevisionEvidence[] e = {new RevisionEvidence()};
        Object[] parts = {e[0].traffic, e[0].pins, e[0].dedupe, e[0].queues, e[0].probes, e[0].gauges};
        StateIo.readSections(
                in,
                StateIo.readInt(in),
                tag -> tag >= TrafficEvidence.TAG && tag <= GaugeEvidence.TAG,
                (tag, version, body) -> {
                    switch (tag) {
                        case TrafficEvidence.TAG -> parts[0] = TrafficEvidence.readFrom(body, version);
                        case PinEvidence.TAG -> parts[1] = PinEvidence.readFrom(body, version);
                        case DedupeEvidence.TAG -> parts[2] = DedupeEvidence.readFrom(body, version);
                        case QueueEvidence.TAG -> parts[3] = QueueEvidence.readFrom(body, version);
                        case ProbeEvidence.TAG -> parts[4] = ProbeEvidence.readFrom(body, version);
                        case GaugeEvidence.TAG -> parts[5] = GaugeEvidence.readFrom(body, version);
                        default -> throw new IllegalStateException("unreachable tag " + tag);
                    }
                });
        return new RevisionEvidence(
                (TrafficEvidence) parts[0],
                (PinEvidence) parts[1],
                (DedupeEvidence) parts[2],
                (QueueEvidence) parts[3],
                (ProbeEvidence) parts[4],
                (GaugeEvidence) parts[5]);
    }
}

package dev.tollgate.topology.evidence;

import java.io.DataOutput;
import java.io.IOException;

/**
 * One concern of a revision's evidence (requests, pins, dedupe, queues, probes, gauges): a mergeable value
 * that owns its merge, its emptiness and its encoding, so adding a field touches one class. Each concern has
 * a stable section tag and a layout version in the state format; a changed layout gets a new version and
 * keeps a reader for the old one (the golden-state tests hold every released layout).
 *
 * @param <T> the concern's own type
 */
public interface EvidenceConcern<T extends EvidenceConcern<T>> {
    /** Adds another partial of the same concern (same meaning on both sides). */
    void merge(T other);

    /** Whether nothing was recorded: every field has its initial value (an empty concern is not encoded). */
    boolean isEmpty();

    /** The section tag of this concern in the state format (stable forever). */
    int tag();

    /** The layout version {@link #writeTo} writes. */
    int version();

    /** Writes the current layout. */
    void writeTo(DataOutput out) throws IOException;
}

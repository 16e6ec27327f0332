package dev.tollgate.topology.gates;

import dev.tollgate.topology.evidence.EvidenceKind;

/**
 * {@code queue-fence}: the same (queue, partition, offset) worked by two revisions, or a worker whose fence
 * is not its release: any fails, naming the partition and the revisions.
 */
public final class QueueFenceGate extends CountGate {
    @Override
    public String id() {
        return GateIds.QUEUE_FENCE;
    }

    @Override
    public String description() {
        return "(queue, partition, offset) worked by two revisions, or a fence other than the worker's release: at most threshold (default 0)";
    }

    @Override
    public EvidenceKind evidence() {
        return EvidenceKind.QUEUE_WORK;
    }

    @Override
    public String remedy() {
        return "fence queue partitions by (partition, release_id) so two revisions never read the same shard";
    }

    @Override
    public GateOutcome evaluate(GateInput in, double threshold) {
        var c = in.canary();
        var b = in.baseline();
        long bad = c.queues.fenceViolations + b.queues.fenceViolations;
        String example = c.queues.fenceExample != null ? c.queues.fenceExample : b.queues.fenceExample;
        return count(
                in,
                threshold,
                b.queues.fenceViolations,
                bad,
                c.queues.works + b.queues.works,
                "fence violations",
                example);
    }
}

package dev.tollgate.router;

import dev.tollgate.router.DecisionStep.Move;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.serde.SpecificAvroDeserializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one release through HAProxy on Tollgate's decisions: sets the canary to the policy's first step and
 * publishes STARTED, then follows {@code tollgate.decisions} for the release: PROMOTE → next step (weights, then
 * STEP), COMPLETE → 100 % and COMPLETED, ROLLBACK/FREEZE → canary weight 0 and ABORTED, HOLD → nothing.
 *
 * <p>{@code tollgate.rollouts} is its ledger: each event it publishes carries the decision id it applied
 * ({@link RouterHeaders}). Started again for a release it already drives, it rebuilds the release from that topic,
 * sets HAProxy to the weights of the last event (whatever HAProxy says now) and re-reads the release's decisions,
 * skipping those already applied: each decision moves the release once. Weights are set before the event is
 * published, so a crash in between at worst sets the same weights again.
 */
public final class HaproxyRouter {
    private static final Logger log = LoggerFactory.getLogger(HaproxyRouter.class);
    /** Decisions are re-read from this long before the release started (clock skew between router and broker). */
    private static final long REREAD_MARGIN_MS = 60_000;

    private final RouterClients clients;
    private final HaproxyRuntime haproxy;

    public HaproxyRouter(RouterClients clients, HaproxyRuntime haproxy) {
        this.clients = clients;
        this.haproxy = haproxy;
    }

    /**
     * Starts (or resumes) the release and follows its decisions until it completes or aborts, or
     * {@code keepRunning} turns false.
     *
     * @return the release's track at the end
     */
    public ReleaseTrack run(RolloutSpec spec, BooleanSupplier keepRunning) {
        String key = RolloutLedger.key(spec.service(), spec.releaseId());
        ReleaseTrack track = RolloutLedger.read(clients, spec.service()::equals).get(key);
        List<Double> steps = PolicySteps.read(clients, spec.service());
        try (KafkaProducer<String, SpecificRecord> producer = clients.producer("tollgate-router-" + spec.service());
                KafkaConsumer<String, byte[]> consumer =
                        clients.consumer("tollgate-router-decisions-" + spec.service());
                SpecificAvroDeserializer<SpecificRecord> decoder = clients.decoder()) {
            if (track == null) {
                track = new ReleaseTrack();
                publish(spec, track, new Move(RolloutPhase.STARTED, 0, steps.get(0)), null, producer);
            } else {
                checkSameServers(spec, track);
                converge(spec, track);
            }
            if (track.terminal()) {
                log.info(
                        "Release already ended service=[{}] release=[{}] phase=[{}]",
                        spec.service(),
                        spec.releaseId(),
                        track.last().getPhase());
                return track;
            }
            RouterClients.assign(consumer, clients.topics().decisions(), track.startedAt() - REREAD_MARGIN_MS);
            int skipped = 0;
            boolean caughtUp = false;
            while (keepRunning.getAsBoolean() && !track.terminal()) {
                var records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<String, byte[]> r : records) {
                    if (!spec.service().equals(r.key())
                            || !(RouterClients.decode(decoder, r) instanceof GateDecision d)
                            || !d.getReleaseId().equals(spec.releaseId())) {
                        continue;
                    }
                    track.lastDecision(d);
                    if (track.applied(d.getDecisionId())) {
                        skipped++;
                        continue;
                    }
                    var move = DecisionStep.of(track.last(), d, steps);
                    if (move.isPresent()) {
                        publish(spec, track, move.get(), d, producer);
                    }
                    if (track.terminal()) {
                        break;
                    }
                }
                if (!caughtUp && records.isEmpty()) {
                    caughtUp = true;
                    log.info(
                            "Following decisions service=[{}] release=[{}] step=[{}] skippedAlreadyApplied=[{}]",
                            spec.service(),
                            spec.releaseId(),
                            track.last().getStepIndex(),
                            skipped);
                }
            }
            return track;
        }
    }

    private void checkSameServers(RolloutSpec spec, ReleaseTrack track) {
        if ((track.backend() != null && !track.backend().equals(spec.backend()))
                || (track.canaryServer() != null && !track.canaryServer().equals(spec.canaryServer()))
                || (track.baselineServer() != null && !track.baselineServer().equals(spec.baselineServer()))) {
            throw new IllegalArgumentException("release " + spec.releaseId() + " of " + spec.service()
                    + " is driven on " + track.backend() + " (" + track.baselineServer() + " / "
                    + track.canaryServer() + "), not " + spec.backend() + " (" + spec.baselineServer() + " / "
                    + spec.canaryServer() + ")");
        }
    }

    /** Sets HAProxy to the weights of the release's last event, whatever it has now. */
    private void converge(RolloutSpec spec, ReleaseTrack track) {
        Weights want = Weights.of(track.last().getTrafficPercent());
        Map<String, Integer> now = haproxy.weights(spec.backend());
        Weights have =
                new Weights(now.getOrDefault(spec.baselineServer(), -1), now.getOrDefault(spec.canaryServer(), -1));
        if (!have.equals(want)) {
            apply(spec, want);
        }
        log.info(
                "Resumed service=[{}] release=[{}] phase=[{}] step=[{}] percent=[{}] weightsFound=[{}] weightsSet=[{}]",
                spec.service(),
                spec.releaseId(),
                track.last().getPhase(),
                track.last().getStepIndex(),
                track.last().getTrafficPercent(),
                have,
                want);
    }

    private void apply(RolloutSpec spec, Weights w) {
        // the canary first: a rollback stops its traffic before anything else happens
        haproxy.setWeight(spec.backend(), spec.canaryServer(), w.canary());
        haproxy.setWeight(spec.backend(), spec.baselineServer(), w.baseline());
    }

    private void publish(
            RolloutSpec spec,
            ReleaseTrack track,
            Move m,
            GateDecision d,
            KafkaProducer<String, SpecificRecord> producer) {
        Weights w = Weights.of(m.trafficPercent());
        apply(spec, w);
        long now = System.currentTimeMillis();
        RolloutEvent.Builder e = RolloutEvent.newBuilder()
                .setService(spec.service())
                .setReleaseId(spec.releaseId())
                .setTimestamp(now)
                .setBaselineRevision(spec.baselineRevision())
                .setCanaryRevision(spec.canaryRevision())
                .setPhase(m.phase())
                .setStepIndex(m.stepIndex())
                .setTrafficPercent(m.trafficPercent());
        if (m.phase() == RolloutPhase.STARTED) {
            e.setCanaryPins(spec.canaryPins()).setBaselinePins(spec.baselinePins());
        }
        RolloutEvent event = e.build();
        ProducerRecord<String, SpecificRecord> rec =
                new ProducerRecord<>(clients.topics().rollouts(), null, now, spec.service(), event);
        String decisionId = d == null ? null : d.getDecisionId();
        RouterHeaders.put(rec.headers(), RouterHeaders.DECISION_ID, decisionId);
        RouterHeaders.put(rec.headers(), RouterHeaders.BACKEND, spec.backend());
        RouterHeaders.put(rec.headers(), RouterHeaders.BASELINE_SERVER, spec.baselineServer());
        RouterHeaders.put(rec.headers(), RouterHeaders.CANARY_SERVER, spec.canaryServer());
        RouterHeaders.put(
                rec.headers(), RouterHeaders.BATCH_POLICY, m.batchPolicy().name());
        try {
            producer.send(rec).get();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + m.phase(), ex);
        } catch (ExecutionException ex) {
            throw new IllegalStateException(
                    "publishing " + m.phase() + " of " + spec.releaseId() + " failed: "
                            + ex.getCause().getMessage(),
                    ex.getCause());
        }
        track.record(
                event,
                now,
                decisionId,
                spec.backend(),
                spec.baselineServer(),
                spec.canaryServer(),
                m.batchPolicy().name());
        log.info(
                "Shifted service=[{}] release=[{}] phase=[{}] step=[{}] percent=[{}] weights=[{}] batchPolicy=[{}] decision=[{}] reasons=[{}]",
                spec.service(),
                spec.releaseId(),
                m.phase(),
                m.stepIndex(),
                m.trafficPercent(),
                w,
                m.batchPolicy(),
                decisionId,
                d == null ? "" : String.join("; ", d.getReasons()));
    }
}

package dev.tollgate.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.cli.CliErrors;
import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.tools.EventCodec;
import dev.tollgate.tools.OutputDecoder;
import dev.tollgate.tools.ReplayCommand;
import dev.tollgate.tools.SimulateCommand;
import dev.tollgate.tools.TailCommand;
import dev.tollgate.topology.TopicNames;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A live run replayed: {@code simulate} plays a scenario against the demo's broker and service (a real cluster),
 * exporting its events; {@code replay} of the export gives the decisions the service published, record for record.
 * Also follows the outputs with {@code tail} and queries the HTTP API of the {@code --keep-running} demo.
 */
class LiveReplayIT {
    private static final String SERVICE = "payments";

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void replayOfALiveRunEqualsTheLiveDecisions() throws Exception {
        // given the demo, kept running
        DemoCommand demo = new DemoCommand();
        StringWriter demoOut = new StringWriter();
        CommandLine demoCl = CliErrors.install(new CommandLine(demo));
        demoCl.setOut(new PrintWriter(demoOut, true));
        demoCl.setErr(new PrintWriter(demoOut, true));
        AtomicInteger demoCode = new AtomicInteger(-1);
        Thread demoThread = new Thread(
                () -> demoCode.set(
                        demoCl.execute("--keep-running", "--view", "plain", "--http-port", "0", "--speed", "6")),
                "demo");
        demoThread.start();
        try {
            assertThat(demo.played.await(200, TimeUnit.SECONDS))
                    .as("demo played")
                    .isTrue();
            assertThat(demo.board).as(demoOut.toString()).isNotNull();
            String bootstrap = demo.bootstrapServers;

            // when a scenario is simulated against it, exporting its events, while a reader records the decisions
            Path export = dir.resolve("live.jsonl");
            List<GateDecision> published = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> reader = decisionsReader(bootstrap);
                    OutputDecoder decoder =
                            new OutputDecoder("mock://" + DemoCommand.REGISTRY_SCOPE, TopicNames.defaults())) {
                StringWriter simOut = new StringWriter();
                CommandLine sim = CliErrors.install(new CommandLine(new SimulateCommand()));
                sim.setOut(new PrintWriter(simOut, true));
                sim.setErr(new PrintWriter(simOut, true));
                int simCode = sim.execute(
                        "--scenario",
                        "latency-regression",
                        "--service",
                        SERVICE,
                        "--bootstrap-servers",
                        bootstrap,
                        "--schema-registry-url",
                        "mock://" + DemoCommand.REGISTRY_SCOPE,
                        "--speed",
                        "4",
                        "--export",
                        export.toString(),
                        "--view",
                        "plain",
                        "--check");
                assertThat(simCode).as(simOut.toString()).isZero();
                assertThat(simOut.toString()).contains("ROLLBACK -> 0%  failing: latency-p95");
                long quietSince = System.nanoTime();
                while (System.nanoTime() - quietSince < 3_000_000_000L) {
                    for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                        SpecificRecord v = decoder.decode(r.topic(), r.value());
                        if (SERVICE.equals(r.key()) && v instanceof GateDecision d) {
                            published.add(d);
                            quietSince = System.nanoTime();
                        }
                    }
                }
            }
            assertThat(published)
                    .extracting(GateDecision::getAction)
                    .containsExactly(Action.PROMOTE, Action.PROMOTE, Action.ROLLBACK);

            // then replaying the export gives the same decisions, record for record
            Path replayed = dir.resolve("replayed.jsonl");
            StringWriter replayErr = new StringWriter();
            CommandLine replay = CliErrors.install(new CommandLine(new ReplayCommand()));
            replay.setErr(new PrintWriter(replayErr, true));
            assertThat(replay.execute("--events", export.toString(), "--decisions-only", "--out", replayed.toString()))
                    .as(replayErr.toString())
                    .isZero();
            List<String> replayedLines = Files.readAllLines(replayed);
            assertThat(replayedLines)
                    .containsExactlyElementsOf(
                            published.stream().map(EventCodec::toLine).toList());

            // and tail shows the decisions of both the demo and the simulation
            StringWriter tailOut = new StringWriter();
            CommandLine tail = CliErrors.install(new CommandLine(new TailCommand()));
            tail.setOut(new PrintWriter(tailOut, true));
            tail.setErr(new PrintWriter(new StringWriter(), true));
            assertThat(tail.execute(
                            "decisions", "--bootstrap-servers", bootstrap, "--from-beginning", "--timeout", "5s"))
                    .isZero();
            assertThat(tailOut.toString())
                    .contains("checkout checkout-rel-42  step 4 (100%)  COMPLETE")
                    .contains(
                            "checkout checkout-rel-43  step 2 (25%)  ROLLBACK -> 0%  failing: error-rate, latency-p95")
                    .contains("payments checkout-rel-42  step 2 (25%)  ROLLBACK -> 0%  failing: latency-p95")
                    .contains("    latency-p95 FAIL: canary p95");

            // and the HTTP API of the kept-running service answers
            HttpResponse<String> api = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.apiPort + "/api/rollouts"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(api.statusCode()).isEqualTo(200);
            assertThat(api.body()).contains("checkout").contains(SERVICE);

            // and it printed the timeline URL and keeps serving the page and its data: both demo rollouts
            String timelineUrl = "http://127.0.0.1:" + demo.apiPort + "/ui/rollouts/checkout";
            assertThat(demoOut.toString())
                    .contains("tollgate demo: rollout timeline " + timelineUrl)
                    .contains("  timeline  " + timelineUrl);
            HttpResponse<String> page = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(timelineUrl)).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("/ui/assets/timeline.js").contains("/api/timeline/checkout");
            HttpResponse<String> data = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + demo.apiPort + "/api/timeline/checkout"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(data.statusCode()).isEqualTo(200);
            assertThat(data.body())
                    .contains("\"releaseId\":\"checkout-rel-42\"")
                    .contains("\"releaseId\":\"checkout-rel-43\"")
                    .contains("\"action\":\"COMPLETE\"")
                    .contains("\"action\":\"ROLLBACK\"");
        } finally {
            demo.stop();
            demoThread.join(60_000);
        }
        assertThat(demoCode.get()).as(demoOut.toString()).isZero();
    }

    private static KafkaConsumer<String, byte[]> decisionsReader(String bootstrap) {
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        TopicPartition tp = new TopicPartition(TopicNames.defaults().decisions(), 0);
        c.assign(List.of(tp));
        c.seekToEnd(List.of(tp));
        c.position(tp);
        return c;
    }
}

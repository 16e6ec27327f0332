package dev.tollgate.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.devbroker.DevBroker;
import dev.tollgate.devbroker.TlsMaterial;
import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateSettings;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.StreamOutcome;
import dev.tollgate.schemas.serde.SpecificAvroDeserializer;
import dev.tollgate.schemas.serde.SpecificAvroSerializer;
import dev.tollgate.testkit.SchemaRegistry;
import dev.tollgate.testkit.SchemaRegistryExtension;
import dev.tollgate.topology.TopicNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secured-cluster drill: a broker whose only client listener is SASL_SSL (SCRAM-SHA-512 over TLS, test CA made
 * here with keytool), the schema registry behind HTTP basic auth ({@link BasicAuthProxy}), and {@code tollgate run}
 * in a child JVM that gets every credential from environment variables and protects its own HTTP API with a bearer
 * token. A rollout step is decided; then the service's whole log (Kafka clients at INFO) and its {@code /metrics}
 * must not contain any of the secrets.
 */
@ExtendWith(SchemaRegistryExtension.class)
@Timeout(value = 300)
class SecuredClusterIT {
    private static final String SERVICE = "checkout";
    private static final String BASE = "rev-1";
    private static final String CANARY = "rev-2";
    private static final String RELEASE = "rel-sec";
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final String kafkaPassword = "kafka-" + UUID.randomUUID();
    private final String registryPassword = "registry-" + UUID.randomUUID();
    private final String httpToken = "token-" + UUID.randomUUID();
    private final String tlsPassword = "tls-" + UUID.randomUUID();
    private final long t0 = (System.currentTimeMillis() / 1000 - 60) * 1000;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(c);
        return c;
    }

    private static GatePolicy smallPolicy() {
        Map<String, GateSettings> gates = new LinkedHashMap<>();
        for (String g : List.of(
                "warm-capacity", "dedupe", "side-effects", "semantic-drift", "lambda", "queue-age", "queue-fence")) {
            gates.put(g, GateSettings.newBuilder().setEnabled(false).build());
        }
        return GatePolicy.newBuilder()
                .setGates(gates)
                .setMinSamples(50)
                .setMinStepDurationMs(5_000)
                .setWarmupMs(0)
                .setNoDataTimeoutMs(600_000)
                .build();
    }

    private static RequestLog request(String revision, long ts) {
        return RequestLog.newBuilder()
                .setService(SERVICE)
                .setReleaseId(RELEASE)
                .setRevision(revision)
                .setTimestamp(ts)
                .setStatus(200)
                .setLatencyMs(80 + ts % 7)
                .setColdStart(false)
                .setMethod("GET")
                .setStreamOutcome(StreamOutcome.NONE)
                .build();
    }

    private static HttpResponse<String> get(int port, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int status(int port, String path, String token) {
        try {
            return get(port, path, token).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void shouldDecideOnASaslSslClusterWithCredentialsFromTheEnvironmentAndLeakNoSecret(SchemaRegistry registry)
            throws Exception {
        // given: a SASL_SSL broker with a test CA, the registry behind basic auth
        TlsMaterial tls = TlsMaterial.generate(tmp.resolve("tls"), tlsPassword);
        DevBroker broker = closing(DevBroker.builder(tmp.resolve("broker"))
                .saslSsl(tls, Map.of("tollgate", kafkaPassword))
                .jvmOptions(DevBroker.QUICK_START_JVM_OPTIONS)
                .start());
        URI registryUri = URI.create(registry.url());
        BasicAuthProxy proxy = closing(new BasicAuthProxy(
                URI.create(registryUri.getScheme() + "://" + registryUri.getAuthority()),
                "tollgate",
                registryPassword));
        String registryUrl = proxy.origin() + registryUri.getRawPath();
        Map<String, Object> kafkaSecurity = DevBroker.scramClientConfig(tls, "tollgate", kafkaPassword);
        Map<String, Object> serde =
                Map.of("schema.registry.url", registryUrl, "basic.auth.user.info", "tollgate:" + registryPassword);
        String prefix = "sec-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        TopicNames topics = new TopicNames(prefix);

        // and: the service, non-secret settings in its file, every credential in its environment
        int httpPort = DevBroker.freePorts(1)[0];
        Path config = tmp.resolve("tollgate.properties");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "bootstrap.servers=" + broker.bootstrapServers(),
                        "application.id=" + prefix + "app",
                        "topic.prefix=" + prefix,
                        "state.dir=" + tmp.resolve("state"),
                        "http.host=127.0.0.1",
                        "http.port=" + httpPort,
                        "topics.partitions=2",
                        "topics.replication.factor=1",
                        "grace.ms=0",
                        "shutdown.timeout.ms=15000",
                        ""),
                StandardCharsets.UTF_8);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TOLLGATE_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("TOLLGATE_SASL_MECHANISM", "SCRAM-SHA-512");
        env.put("TOLLGATE_SASL_JAAS_CONFIG", DevBroker.jaas("tollgate", kafkaPassword));
        env.put("TOLLGATE_SSL_TRUSTSTORE_LOCATION", tls.truststore().toString());
        env.put("TOLLGATE_SSL_TRUSTSTORE_PASSWORD", tlsPassword);
        env.put("TOLLGATE_SSL_TRUSTSTORE_TYPE", "PKCS12");
        env.put("TOLLGATE_SCHEMA_REGISTRY_URL", registryUrl);
        env.put("TOLLGATE_BASIC_AUTH_USER_INFO", "tollgate:" + registryPassword);
        env.put("TOLLGATE_HTTP_AUTH_TOKEN", httpToken);
        Path log = tmp.resolve("service.log");
        ServiceProcess service = closing(ServiceProcess.start(config, env, log, "--create-topics"));
        ItSupport.await(
                "readiness 200 (Kafka Streams RUNNING on the SASL_SSL broker)",
                WAIT,
                () -> status(httpPort, "/health/ready", null) == 200 || !service.isAlive());
        assertThat(service.isAlive())
                .as("service alive; log:%n%s", service.output())
                .isTrue();

        // when: a policy, a rollout step and healthy traffic, produced with SCRAM credentials and registry auth
        Map<String, Object> producerConfig = new HashMap<>(kafkaSecurity);
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        SpecificAvroSerializer<SpecificRecord> values = new SpecificAvroSerializer<>();
        values.configure(serde, false);
        KafkaProducer<String, SpecificRecord> producer =
                closing(new KafkaProducer<>(producerConfig, new StringSerializer(), values));
        producer.send(new ProducerRecord<>(topics.policies(), null, t0, "*", smallPolicy()));
        producer.send(new ProducerRecord<>(
                topics.rollouts(),
                null,
                t0,
                SERVICE,
                RolloutEvent.newBuilder()
                        .setService(SERVICE)
                        .setReleaseId(RELEASE)
                        .setTimestamp(t0)
                        .setBaselineRevision(BASE)
                        .setCanaryRevision(CANARY)
                        .setPhase(RolloutPhase.STARTED)
                        .setStepIndex(0)
                        .setTrafficPercent(1.0)
                        .build()));
        for (int i = 0; i < 240; i++) {
            long ts = t0 + 100 + i * 50L;
            producer.send(new ProducerRecord<>(
                    topics.requests(), null, ts, SERVICE, request(i % 2 == 0 ? CANARY : BASE, ts)));
        }
        producer.flush();

        // then: Tollgate decides PROMOTE of step 0, read back over SASL_SSL (read_committed)
        Map<String, Object> consumerConfig = new HashMap<>(kafkaSecurity);
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID());
        SpecificAvroDeserializer<SpecificRecord> decoder = new SpecificAvroDeserializer<>();
        decoder.configure(serde, false);
        KafkaConsumer<String, SpecificRecord> decisionsIn =
                closing(new KafkaConsumer<>(consumerConfig, new StringDeserializer(), decoder));
        decisionsIn.subscribe(List.of(topics.decisions()));
        List<ConsumerRecord<String, SpecificRecord>> decisions = new ArrayList<>();
        ItSupport.pollUntil(
                decisionsIn,
                decisions,
                WAIT,
                () -> ItSupport.values(decisions, GateDecision.class).stream()
                        .anyMatch(d -> d.getAction() == Action.PROMOTE && d.getStepIndex() == 0));
        assertThat(ItSupport.values(decisions, GateDecision.class))
                .as("decisions; service log:%n%s", service.output())
                .anyMatch(d -> d.getAction() == Action.PROMOTE && d.getStepIndex() == 0);

        // and: the API answers only with the token (health excepted); the registry was used through its auth. A 503
        // means "retry, rebalancing" (the API's contract): a rebalance right after the first decision is allowed
        HttpResponse<String> rollout = get(httpPort, "/api/rollouts/" + SERVICE, httpToken);
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (rollout.statusCode() == 503 && System.nanoTime() < until) {
            Thread.sleep(500);
            rollout = get(httpPort, "/api/rollouts/" + SERVICE, httpToken);
        }
        HttpResponse<String> metrics = get(httpPort, "/metrics", httpToken);
        assertThat(rollout.statusCode()).isEqualTo(200);
        assertThat(rollout.body()).contains(RELEASE);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("tollgate_decisions_total");
        assertThat(get(httpPort, "/api/rollouts/" + SERVICE, null).statusCode()).isEqualTo(401);
        assertThat(get(httpPort, "/metrics", "wrong-" + httpToken).statusCode()).isEqualTo(401);
        assertThat(get(httpPort, "/health/live", null).statusCode()).isEqualTo(200);
        int rejectedBefore = proxy.rejected();
        assertThat(HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(registryUrl + "/subjects"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(401);
        assertThat(proxy.rejected()).isEqualTo(rejectedBefore + 1);
        assertThat(proxy.authorized()).isPositive();

        // and: the broker refuses a wrong password
        Map<String, Object> wrong = new HashMap<>(DevBroker.scramClientConfig(tls, "tollgate", "not-" + kafkaPassword));
        wrong.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        wrong.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        wrong.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        try (Admin admin = Admin.create(wrong)) {
            assertThatThrownBy(() -> admin.listTopics().names().get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }

        // when: the service shuts down gracefully
        int exit = service.stop(60);

        // then: no secret in any log line of the whole run, nor in /metrics
        String output = service.output();
        assertThat(exit).as("exit code; log:%n%s", output).isIn(0, 143);
        assertThat(output)
                .contains("Kafka Streams state changed from=[REBALANCING] to=[RUNNING]")
                .contains("sasl.jaas.config = [hidden]")
                .contains("security.protocol = SASL_SSL");
        for (String secret : List.of(kafkaPassword, registryPassword, httpToken, tlsPassword)) {
            assertThat(output).as("service log").doesNotContain(secret);
            assertThat(metrics.body()).as("/metrics").doesNotContain(secret);
        }
    }
}

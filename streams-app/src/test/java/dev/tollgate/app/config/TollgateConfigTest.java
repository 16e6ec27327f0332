package dev.tollgate.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateSettings;
import dev.tollgate.schemas.avro.InconclusiveAction;
import dev.tollgate.topology.TopologyListener;
import dev.tollgate.topology.TopologySettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TollgateConfigTest {
    private static final Map<String, String> NO_ENV = Map.of();

    private static Properties minimal() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", "localhost:9092");
        return p;
    }

    @Test
    void shouldNameBootstrapServersAndItsEnvVarWhenMissing() {
        // given
        Properties p = new Properties();

        // when / then
        assertThatThrownBy(() -> TollgateConfig.fromProperties(p, "test", NO_ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Missing required configuration \"bootstrap.servers\"")
                .hasMessageContaining("TOLLGATE_BOOTSTRAP_SERVERS");
    }

    @Test
    void shouldNameNegativeGateThresholdKey() {
        // given
        Properties p = minimal();
        p.setProperty("policy.default.gate.error-rate.threshold", "-0.001");

        // when / then
        assertThatThrownBy(() -> TollgateConfig.fromProperties(p, "config file a.properties", NO_ENV))
                .isInstanceOf(TollgateConfigException.class)
                .hasMessageContaining("policy.default.gate.error-rate.threshold")
                .hasMessageContaining("at least 0")
                .hasMessageContaining("config file a.properties");
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        // given
        Properties p = new Properties();
        p.setProperty("tick.ms", "0");
        p.setProperty("policy.default.alpha", "1.0");
        p.setProperty("processing.guarantee", "exactly_once");

        // when / then
        assertThatThrownBy(() -> TollgateConfig.fromProperties(p, "test", NO_ENV))
                .isInstanceOfSatisfying(
                        TollgateConfigException.class,
                        e -> assertThat(e.problems())
                                .hasSize(4)
                                .anyMatch(s -> s.contains("bootstrap.servers"))
                                .anyMatch(s -> s.contains("tick.ms"))
                                .anyMatch(s ->
                                        s.contains("policy.default.alpha") && s.contains("strictly between 0 and 1"))
                                .anyMatch(s -> s.contains("processing.guarantee")));
    }

    @Test
    void shouldLetEnvironmentOverrideFile(@TempDir Path dir) throws IOException {
        // given
        Path file = dir.resolve("tollgate.properties");
        Files.writeString(
                file, "bootstrap.servers=file:9092\ngrace.ms=100\npolicy.default.gate.error-rate.threshold=0.01\n");
        Map<String, String> env = Map.of(
                "TOLLGATE_BOOTSTRAP_SERVERS", "env:9092", "TOLLGATE_POLICY_DEFAULT_GATE_ERROR_RATE_THRESHOLD", "0.002");

        // when
        TollgateConfig c = TollgateConfig.load(file, env);

        // then
        assertThat(c.bootstrapServers()).isEqualTo("env:9092");
        assertThat(c.graceMs()).isEqualTo(100L);
        assertThat(c.defaultPolicy().getGates().get("error-rate").getThreshold())
                .isEqualTo(0.002);
    }

    @Test
    void shouldNameEnvironmentVariableOfInvalidValue() {
        // when / then
        assertThatThrownBy(
                        () -> TollgateConfig.fromProperties(minimal(), "test", Map.of("TOLLGATE_HTTP_PORT", "70000")))
                .hasMessageContaining("http.port")
                .hasMessageContaining("environment variable TOLLGATE_HTTP_PORT");
    }

    @Test
    void shouldPassSecurityProtocolAndSaslThroughToClients() {
        // given
        Properties p = minimal();
        p.setProperty("security.protocol", "SASL_SSL");
        p.setProperty("sasl.mechanism", "PLAIN");
        p.setProperty("kafka.client.dns.lookup", "use_all_dns_ips");
        p.setProperty("producer.linger.ms", "5");
        p.setProperty("schema.registry.request.timeout.ms", "5000");
        p.setProperty("no.such.key", "x");

        // when
        TollgateConfig c =
                TollgateConfig.fromProperties(p, "test", Map.of("TOLLGATE_SSL_TRUSTSTORE_LOCATION", "/t.jks"));

        // then
        assertThat(c.clientOverrides())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("client.dns.lookup", "use_all_dns_ips")
                .containsEntry("producer.linger.ms", "5")
                .containsEntry("ssl.truststore.location", "/t.jks");
        assertThat(c.adminClientConfig())
                .containsEntry("security.protocol", "SASL_SSL")
                .doesNotContainKey("producer.linger.ms");
        assertThat(c.serdeConfig())
                .containsEntry("schema.registry.request.timeout.ms", "5000")
                .containsEntry("schema.registry.url", "mock://tollgate");
        assertThat(c.unknownKeys()).containsExactly("no.such.key");
    }

    @Test
    void shouldNotMutateCallersProperties() {
        // given
        Properties p = minimal();
        p.setProperty("security.protocol", "SSL");
        p.setProperty("kafka.retries", "3");
        Properties before = new Properties();
        before.putAll(p);

        // when
        TollgateConfig.fromProperties(p, "test", Map.of("TOLLGATE_GRACE_MS", "5"));

        // then
        assertThat(p).isEqualTo(before);
    }

    @Test
    void shouldMaskSecretsInDescription() {
        // given
        Properties p = minimal();
        p.setProperty(
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"x\";");
        p.setProperty("ssl.key.password", "secret");

        // when
        Map<String, String> d = TollgateConfig.fromProperties(p, "test", NO_ENV).describe();

        // then
        assertThat(d)
                .containsEntry("sasl.jaas.config", "[hidden]")
                .containsEntry("ssl.key.password", "[hidden]")
                .containsEntry("bootstrap.servers", "[localhost:9092]");
    }

    @Test
    void shouldBuildDefaultPolicyFromPolicyKeys() {
        // given
        Properties p = minimal();
        p.setProperty("policy.default.min.samples", "50");
        p.setProperty("policy.default.min.step.duration.ms", "5000");
        p.setProperty("policy.default.alpha", "0.05");
        p.setProperty("policy.default.steps", "2, 10, 100");
        p.setProperty("policy.default.on.inconclusive", "ROLLBACK");
        p.setProperty("policy.default.gate.lambda.enabled", "false");
        p.setProperty("policy.default.gate.latency-p95.dry.run", "true");

        // when
        GatePolicy policy = TollgateConfig.fromProperties(p, "test", NO_ENV).defaultPolicy();

        // then
        assertThat(policy.getMinSamples()).isEqualTo(50L);
        assertThat(policy.getMinStepDurationMs()).isEqualTo(5000L);
        assertThat(policy.getAlpha()).isEqualTo(0.05);
        assertThat(policy.getSteps()).containsExactly(2.0, 10.0, 100.0);
        assertThat(policy.getOnInconclusive()).isEqualTo(InconclusiveAction.ROLLBACK);
        assertThat(policy.getGates()).containsOnlyKeys("lambda", "latency-p95");
        assertThat(policy.getGates().get("lambda")).isEqualTo(new GateSettings(false, null, false));
        assertThat(policy.getGates().get("latency-p95")).isEqualTo(new GateSettings(true, null, true));
    }

    @Test
    void shouldKeepPolicyDefaultsEqualToTheAvroDefaults() {
        // when
        GatePolicy fromConfig =
                TollgateConfig.fromProperties(minimal(), "test", NO_ENV).defaultPolicy();

        // then
        assertThat(fromConfig).isEqualTo(GatePolicy.newBuilder().build());
    }

    @Test
    void shouldRejectDescendingSteps() {
        // given
        Properties p = minimal();
        p.setProperty("policy.default.steps", "5,1,100");

        // when / then
        assertThatThrownBy(() -> TollgateConfig.fromProperties(p, "test", NO_ENV))
                .hasMessageContaining("policy.default.steps")
                .hasMessageContaining("ascending");
    }

    @Test
    void shouldRejectBootstrapEntryWithoutPort() {
        // given
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", "localhost");

        // when / then
        assertThatThrownBy(() -> TollgateConfig.fromProperties(p, "test", NO_ENV))
                .hasMessageContaining("bootstrap.servers")
                .hasMessageContaining("host:port");
    }

    @Test
    void shouldNameMissingConfigFile(@TempDir Path dir) {
        // given
        Path missing = dir.resolve("nope.properties");

        // when / then
        assertThatThrownBy(() -> TollgateConfig.load(missing, NO_ENV))
                .isInstanceOf(TollgateConfigException.class)
                .hasMessageContaining("nope.properties")
                .hasMessageContaining("does not exist");
    }

    @Test
    void shouldBuildTopologySettings() {
        // given
        Properties p = minimal();
        p.setProperty("topic.prefix", "staging.tollgate.");
        p.setProperty("schema.registry.url", "http://registry:8081");
        p.setProperty("tick.ms", "500");

        // when
        TopologySettings s = TollgateConfig.fromProperties(p, "test", NO_ENV).topologySettings(TopologyListener.NOOP);

        // then
        assertThat(s.topics().decisions()).isEqualTo("staging.tollgate.decisions");
        assertThat(s.serdeConfig()).containsEntry("schema.registry.url", "http://registry:8081");
        assertThat(s.tickMs()).isEqualTo(500L);
        assertThat(s.graceMs()).isEqualTo(TopologySettings.DEFAULT_GRACE_MS);
        assertThat(s.decisionsHistory()).isEqualTo(TopologySettings.DEFAULT_DECISIONS_HISTORY);
        assertThat(s.ledgerRetentionMs()).isEqualTo(TopologySettings.DEFAULT_LEDGER_RETENTION_MS);
    }

    @Test
    void shouldDocumentEveryKey() {
        // then
        assertThat(TollgateConfig.configDef().configKeys().values())
                .allSatisfy(k -> assertThat(k.documentation).as(k.name).isNotBlank());
        assertThat(TollgateConfig.configDef().names())
                .contains("policy.default.gate.stream-drain.threshold", "policy.default.gate.cold-start.dry.run")
                .hasSizeGreaterThan(TollgateConfig.GATE_IDS.size() * 3);
    }

    @Test
    void shouldMapKeysToEnvironmentVariableNames() {
        assertThat(TollgateConfig.envName("bootstrap.servers")).isEqualTo("TOLLGATE_BOOTSTRAP_SERVERS");
        assertThat(TollgateConfig.envName("policy.default.gate.latency-p95.threshold"))
                .isEqualTo("TOLLGATE_POLICY_DEFAULT_GATE_LATENCY_P95_THRESHOLD");
        assertThat(List.of(TollgateConfig.envName("http.port"))).containsExactly("TOLLGATE_HTTP_PORT");
    }

    @Test
    void shouldReadSecretsFromTheEnvironmentAndNeverShowThemInTheDescription() {
        // given: Kafka SASL settings, the registry's basic auth and the HTTP token from the environment
        Map<String, String> env = Map.of(
                "TOLLGATE_SECURITY_PROTOCOL", "SASL_SSL",
                "TOLLGATE_SASL_MECHANISM", "SCRAM-SHA-512",
                "TOLLGATE_SASL_JAAS_CONFIG", "ScramLoginModule required username=\"u\" password=\"kafka-pw-1\";",
                "TOLLGATE_SSL_TRUSTSTORE_LOCATION", "/etc/tollgate/truststore.p12",
                "TOLLGATE_SSL_TRUSTSTORE_PASSWORD", "trust-pw-2",
                "TOLLGATE_BASIC_AUTH_USER_INFO", "reg:registry-pw-3",
                "TOLLGATE_HTTP_AUTH_TOKEN", "http-token-4-0123456789",
                "TOLLGATE_HTTP_TLS_KEYSTORE_PASSWORD", "keystore-pw-5",
                "TOLLGATE_GROUP_INSTANCE_ID", "tollgate-0");
        Properties p = minimal();
        p.setProperty("schema.registry.url", "https://reg:url-pw-6@registry:8081/apis/ccompat/v7");

        // when
        TollgateConfig c = TollgateConfig.fromProperties(p, "test", env);
        String described = c.describe().toString();

        // then
        assertThat(c.clientOverrides())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("ssl.truststore.location", "/etc/tollgate/truststore.p12");
        assertThat(c.serdeConfig()).containsEntry("basic.auth.user.info", "reg:registry-pw-3");
        assertThat(c.httpAuthToken()).hasValue("http-token-4-0123456789");
        assertThat(c.groupInstanceId()).hasValue("tollgate-0");
        assertThat(c.unknownKeys()).isEmpty();
        assertThat(described)
                .contains("security.protocol=SASL_SSL", "group.instance.id=tollgate-0", "registry:8081")
                .doesNotContain(
                        "kafka-pw-1", "trust-pw-2", "registry-pw-3", "http-token-4", "keystore-pw-5", "url-pw-6");
    }

    @Test
    void shouldRejectAShortHttpTokenWithoutEchoingIt() {
        // given
        Properties p = minimal();
        p.setProperty("http.auth.token", "short-secret");

        // when / then
        assertThatThrownBy(() -> TollgateConfig.fromProperties(p, "test", NO_ENV))
                .isInstanceOf(TollgateConfigException.class)
                .hasMessageContaining("http.auth.token")
                .hasMessageContaining("at least 16 characters")
                .hasMessageNotContaining("short-secret");
    }

    @Test
    void shouldLeaveHttpSecurityAndStaticMembershipOffByDefault() {
        // when
        TollgateConfig c = TollgateConfig.fromProperties(minimal(), "test", NO_ENV);

        // then
        assertThat(c.httpAuthToken()).isEmpty();
        assertThat(c.httpTls()).isEmpty();
        assertThat(c.groupInstanceId()).isEmpty();
    }

    @Test
    void shouldCheckTheWallClockAndStampOutputsWithItInTheService() {
        // given the defaults, and a skew set from the environment
        Properties p = minimal();

        // when
        TopologySettings defaults =
                TollgateConfig.fromProperties(p, "test", NO_ENV).topologySettings(TopologyListener.NOOP);
        TopologySettings fromEnv = TollgateConfig.fromProperties(
                        p, "test", Map.of("TOLLGATE_MAX_FUTURE_SKEW_MS", "60000"))
                .topologySettings(TopologyListener.NOOP);

        // then
        assertThat(defaults.live().maxFutureSkewMs()).isEqualTo(300_000L);
        assertThat(defaults.live().maxEventAgeMs()).isEqualTo(365L * 24 * 3_600_000L);
        assertThat(defaults.live().inputRetentionMs()).isEqualTo(7L * 24 * 3_600_000L);
        assertThat(defaults.live().wallClockOutputTimes()).isTrue();
        assertThat(fromEnv.live().maxFutureSkewMs()).isEqualTo(60_000L);
        assertThat(TopologySettings.defaults("mock://x").live()).isEqualTo(dev.tollgate.topology.LiveSettings.OFF);
    }
}

package dev.tollgate.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.schemas.avro.RequestLog;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SerdeConfigTest {

    @Test
    void shouldApplyTheDefaults() {
        // given only a URL
        // when parsed
        SerdeConfig config = SerdeConfig.parse(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "http://registry:8081"));

        // then every other setting has its documented default
        assertThat(config.registryUrls()).containsExactly("http://registry:8081");
        assertThat(config.autoRegisterSchemas()).isTrue();
        assertThat(config.useLatestVersion()).isFalse();
        assertThat(config.specificAvroReader()).isTrue();
        assertThat(config.credentialsSource()).isEqualTo(SerdeConfig.CredentialsSource.USER_INFO);
        assertThat(config.basicAuthUserInfo()).isEmpty();
        assertThat(config.retries()).isEqualTo(3);
        assertThat(config.retryBackoffMs()).isEqualTo(200);
        assertThat(config.requestTimeoutMs()).isEqualTo(10_000);
        assertThat(config.isMock()).isFalse();
    }

    @Test
    void shouldAcceptTypedAndStringValues() {
        // given typed and string values, and a list of URLs
        SerdeConfig config = SerdeConfig.parse(Map.of(
                SerdeConfig.SCHEMA_REGISTRY_URL, List.of("https://a:8081", "https://b:8081/apis/ccompat/v7"),
                SerdeConfig.AUTO_REGISTER_SCHEMAS, " FALSE ",
                SerdeConfig.USE_LATEST_VERSION, true,
                SerdeConfig.SCHEMA_REGISTRY_RETRIES, 0L,
                SerdeConfig.SCHEMA_REGISTRY_RETRY_BACKOFF_MS, "50",
                SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "user_info",
                SerdeConfig.BASIC_AUTH_USER_INFO, "u:p:with:colons"));

        // then they are read
        assertThat(config.registryUrls()).containsExactly("https://a:8081", "https://b:8081/apis/ccompat/v7");
        assertThat(config.autoRegisterSchemas()).isFalse();
        assertThat(config.useLatestVersion()).isTrue();
        assertThat(config.retries()).isZero();
        assertThat(config.retryBackoffMs()).isEqualTo(50);
        assertThat(config.basicAuthUserInfo()).contains("u:p:with:colons");
        assertThat(config.toString()).doesNotContain("with:colons");
    }

    @Test
    void shouldRecognizeAMockScope() {
        // given a mock URL / when parsed / then it is the in-memory registry of that scope
        SerdeConfig config = SerdeConfig.parse(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://tollgate-test"));
        assertThat(config.isMock()).isTrue();
        assertThat(config.mockScope()).isEqualTo("tollgate-test");
        assertThat(SchemaRegistryClients.create(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://tollgate-test")))
                .isSameAs(InMemorySchemaRegistry.forScope("tollgate-test"));
        InMemorySchemaRegistry.dropScope("tollgate-test");
        assertThat(SchemaRegistryClients.create(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "http://localhost:1")))
                .isInstanceOf(HttpSchemaRegistryClient.class);
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(SerdeConfig.AUTO_REGISTER_SCHEMAS, "yes"),
                Arguments.of(SerdeConfig.USE_LATEST_VERSION, 1),
                Arguments.of(SerdeConfig.SPECIFIC_AVRO_READER, "maybe"),
                Arguments.of(SerdeConfig.SCHEMA_REGISTRY_RETRIES, "-1"),
                Arguments.of(SerdeConfig.SCHEMA_REGISTRY_RETRIES, "three"),
                Arguments.of(SerdeConfig.SCHEMA_REGISTRY_RETRIES, 1.5),
                Arguments.of(SerdeConfig.SCHEMA_REGISTRY_RETRY_BACKOFF_MS, -5),
                Arguments.of(SerdeConfig.SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS, 0),
                Arguments.of(SerdeConfig.SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS, "99999999999"),
                Arguments.of(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "SASL_INHERIT"),
                Arguments.of(SerdeConfig.SCHEMA_REGISTRY_URL, "ftp://registry:21"),
                Arguments.of(SerdeConfig.SCHEMA_REGISTRY_URL, "registry:8081"),
                Arguments.of(SerdeConfig.SCHEMA_REGISTRY_URL, "http://registry:8081?x=1"),
                Arguments.of(SerdeConfig.SCHEMA_REGISTRY_URL, "http://a:1, mock://b"),
                Arguments.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://"),
                Arguments.of(SerdeConfig.SCHEMA_REGISTRY_URL, " , "),
                Arguments.of(SerdeConfig.SCHEMA_REGISTRY_URL, 8081));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badValues")
    void shouldNameTheKeyOfABadValue(String key, Object value) {
        // given a configuration with one bad value
        Map<String, Object> config = new java.util.HashMap<>();
        config.put(SerdeConfig.SCHEMA_REGISTRY_URL, "http://registry:8081");
        config.put(key, value);

        // when it is parsed / then the exception names the key
        assertThatThrownBy(() -> SerdeConfig.parse(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key);
    }

    @Test
    void shouldNotEchoABadUserInfo() {
        // given user-info without a colon (likely a bare password)
        Map<String, Object> config = Map.of(
                SerdeConfig.SCHEMA_REGISTRY_URL, "http://registry:8081", SerdeConfig.BASIC_AUTH_USER_INFO, "hunter2");

        // when parsed / then the key is named and the value is not
        assertThatThrownBy(() -> SerdeConfig.parse(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SerdeConfig.BASIC_AUTH_USER_INFO)
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void shouldRequireUserInfoInTheUrlWhenTheSourceIsUrl() {
        // given source URL but a URL without credentials
        Map<String, Object> config = Map.of(
                SerdeConfig.SCHEMA_REGISTRY_URL,
                "http://registry:8081",
                SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE,
                "URL");

        // when parsed / then both keys are named
        assertThatThrownBy(() -> SerdeConfig.parse(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE)
                .hasMessageContaining(SerdeConfig.SCHEMA_REGISTRY_URL);
    }

    @Test
    void shouldMaskThePasswordOfAUrl() {
        // given a URL with credentials that is invalid for another reason
        Map<String, Object> config = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "ftp://ops:topsecret@registry:21");

        // when parsed / then the message masks the password
        assertThatThrownBy(() -> SerdeConfig.parse(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ftp://ops:***@registry:21")
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void shouldRequireAUrlWhenTheSerdeCreatesItsClient() {
        // given no URL / when a serde is configured / then the key is named
        assertThatThrownBy(() -> new SpecificAvroDeserializer<RequestLog>().configure(Map.of(), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SerdeConfig.SCHEMA_REGISTRY_URL);
    }

    @Test
    void shouldRefuseAGenericReaderWithoutAReaderClass() {
        // given specific.avro.reader=false and no reader class
        Map<String, Object> config =
                Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://x", SerdeConfig.SPECIFIC_AVRO_READER, "false");

        // when configured / then the key is named; with a reader class it is accepted
        assertThatThrownBy(() -> new SpecificAvroSerde<RequestLog>().configure(config, false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SerdeConfig.SPECIFIC_AVRO_READER);
        new SpecificAvroSerde<>(RequestLog.class).configure(config, false);
        InMemorySchemaRegistry.dropScope("x");
    }
}

package dev.tollgate.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.RequestLog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HttpSchemaRegistryClientTest {

    private FakeRegistryServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Map<String, Object> config(String url) {
        Map<String, Object> config = new HashMap<>();
        config.put(SerdeConfig.SCHEMA_REGISTRY_URL, url);
        config.put(SerdeConfig.SCHEMA_REGISTRY_RETRY_BACKOFF_MS, 10);
        return config;
    }

    @Test
    void shouldRoundTripThroughTheHttpApiAndCacheIdsBothWays() throws IOException {
        // given a serde on a fake Confluent-API registry reached through SchemaRegistryClients
        server = new FakeRegistryServer();
        SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>();
        serde.configure(config(server.url()), false);

        // when two records of the same type are written and read
        byte[] first = serde.serializer().serialize("tollgate.requests", ContractRecords.requestLog());
        byte[] second = serde.serializer().serialize("tollgate.requests", ContractRecords.requestLog());
        SpecificRecord back = serde.deserializer().deserialize("tollgate.requests", second);

        // then they round-trip, and only the registration went to the registry
        assertThat(back).isEqualTo(ContractRecords.requestLog());
        assertThat(first).isEqualTo(second);
        assertThat(server.requests())
                .extracting(FakeRegistryServer.Request::method, FakeRegistryServer.Request::path)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("POST", "/subjects/tollgate.requests-value/versions"));
        FakeRegistryServer.Request register = server.requests().get(0);
        assertThat(register.header("Content-Type")).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(register.body()).startsWith("{\"schema\":\"{\\\"type\\\":\\\"record\\\"");
        assertThat(register.header("Authorization")).isNull();
        serde.close();
    }

    @Test
    void shouldFetchAnUnknownWriterSchemaOnceById() throws IOException {
        // given a record registered by another client
        server = new FakeRegistryServer();
        int id = server.registry().register("tollgate.gate-results-value", GateResult.getClassSchema());
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(config(server.url()));
        byte[] bytes = new SpecificAvroSerializer<GateResult>(server.registry())
                .serialize("tollgate.gate-results", ContractRecords.gateResult());

        // when it is deserialized twice
        SpecificAvroDeserializer<GateResult> deserializer = new SpecificAvroDeserializer<>(client);
        deserializer.deserialize("tollgate.gate-results", bytes);
        GateResult back = deserializer.deserialize("tollgate.gate-results", bytes);

        // then the schema was fetched once, by id
        assertThat(back).isEqualTo(ContractRecords.gateResult());
        assertThat(server.requests())
                .singleElement()
                .satisfies(r -> assertThat(r.path()).isEqualTo("/schemas/ids/" + id));
    }

    @Test
    void shouldKeepAPathInTheBaseUrlAndServeLookupLatestAndSubjects() throws IOException {
        // given a registry under /apis/ccompat/v7 (as Apicurio's) holding RequestLog
        server = new FakeRegistryServer("/apis/ccompat/v7");
        server.registry().register("tollgate.requests-value", RequestLog.getClassSchema());
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(config(server.url() + "/"));

        // when the client looks up, asks for the latest version and the subjects
        int id = client.getId("tollgate.requests-value", RequestLog.getClassSchema());
        RegisteredSchema latest = client.getLatest("tollgate.requests-value");

        // then every request went under the path and the answers are parsed
        assertThat(id).isEqualTo(1);
        assertThat(latest).isEqualTo(new RegisteredSchema(1, 1, RequestLog.getClassSchema()));
        assertThat(client.subjects()).containsExactly("tollgate.requests-value");
        assertThat(server.requests())
                .extracting(FakeRegistryServer.Request::path)
                .containsExactly(
                        "/apis/ccompat/v7/subjects/tollgate.requests-value",
                        "/apis/ccompat/v7/subjects/tollgate.requests-value/versions/latest",
                        "/apis/ccompat/v7/subjects");
    }

    @Test
    void shouldPropagateTheRegistryErrorCodeAndMessageAndSendBasicAuth() throws IOException {
        // given a registry that refuses every schema with error 42201
        server = new FakeRegistryServer();
        server.respond(request -> FakeRegistryServer.error(
                422, 42201, "Either the input schema or one of its " + "references is invalid"));
        Map<String, Object> config = config(server.url());
        config.put(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
        config.put(SerdeConfig.BASIC_AUTH_USER_INFO, "tollgate:s3cret");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(config);

        // when a schema is registered
        SchemaRegistryException thrown = catchThrowableOfType(
                SchemaRegistryException.class,
                () -> client.register("tollgate.requests-value", RequestLog.getClassSchema()));

        // then the code, status and the registry's message are kept, and basic auth was sent, once (no retry)
        assertThat(thrown.errorCode()).isEqualTo(42201);
        assertThat(thrown.httpStatus()).isEqualTo(422);
        assertThat(thrown)
                .hasMessageContaining("error_code 42201")
                .hasMessageContaining("Either the input schema or one of its references is invalid")
                .hasMessageContaining("POST /subjects/tollgate.requests-value/versions")
                .hasMessageContaining(server.url());
        String expected =
                "Basic " + Base64.getEncoder().encodeToString("tollgate:s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(server.requests())
                .singleElement()
                .satisfies(r -> assertThat(r.header("Authorization")).isEqualTo(expected));
    }

    @Test
    void shouldTakeBasicAuthFromTheUrlWhenTheSourceIsUrl() throws IOException {
        // given credentials in the URL
        server = new FakeRegistryServer();
        Map<String, Object> config = config("http://ops:p%40ss@127.0.0.1:" + server.port());
        config.put(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "URL");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(config);

        // when a request is made
        client.subjects();

        // then the decoded user-info is sent as basic auth and is not part of the request URL
        String expected = "Basic " + Base64.getEncoder().encodeToString("ops:p@ss".getBytes(StandardCharsets.UTF_8));
        assertThat(server.requests())
                .singleElement()
                .satisfies(r -> assertThat(r.header("Authorization")).isEqualTo(expected));
        assertThat(client.toString()).doesNotContain("p%40ss").doesNotContain("ops");
    }

    @Test
    void shouldBuildBaseUrlsWithoutUserInfoOrTrailingSlashes() {
        // given URLs with user-info, an IPv6 literal, a path and trailing slashes
        Map<String, Object> config =
                config("https://ops:secret@registry.example:8443/apis/ccompat/v7//," + "http://[::1]:8081/");
        config.put(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "URL");

        // when the client is built
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(config);

        // then requests go to clean base URLs and the credentials stay out of them
        assertThat(client.baseUrls())
                .extracting(Object::toString)
                .containsExactly("https://registry.example:8443/apis/ccompat/v7", "http://[::1]:8081");
        assertThat(client.toString()).doesNotContain("secret");
    }

    @Test
    void shouldMapAConflictToIncompatibleSchemaException() throws IOException {
        // given a registry whose subject holds RequestLog
        server = new FakeRegistryServer();
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(config(server.url()));
        client.register("tollgate.requests-value", RequestLog.getClassSchema());

        // when a breaking version is registered
        IncompatibleSchemaException thrown = catchThrowableOfType(
                IncompatibleSchemaException.class,
                () -> client.register(
                        "tollgate.requests-value",
                        Schemas.withField(RequestLog.getClassSchema(), "{\"name\":\"zone\",\"type\":\"int\"}")));

        // then it is an IncompatibleSchemaException carrying the 409
        assertThat(thrown.httpStatus()).isEqualTo(409);
        assertThat(thrown.errorCode()).isEqualTo(409);
        assertThat(thrown).hasMessageContaining("tollgate.requests-value").hasMessageContaining("incompatible");
    }

    @Test
    void shouldMapAnUnknownIdToUnknownSchemaIdException() throws IOException {
        // given an empty registry
        server = new FakeRegistryServer();
        SpecificAvroDeserializer<RequestLog> deserializer =
                new SpecificAvroDeserializer<>(new HttpSchemaRegistryClient(config(server.url())));

        // when a payload with id 99 is read
        UnknownSchemaIdException thrown = catchThrowableOfType(
                UnknownSchemaIdException.class,
                () -> deserializer.deserialize("tollgate.requests", new byte[] {0, 0, 0, 0, 99, 0}));

        // then the id, the topic and the registry's answer are named
        assertThat(thrown.schemaId()).isEqualTo(99);
        assertThat(thrown.errorCode()).isEqualTo(40403);
        assertThat(thrown.httpStatus()).isEqualTo(404);
        assertThat(thrown)
                .hasMessageContaining("Unknown schema id 99 on topic tollgate.requests")
                .hasMessageContaining("Schema 99 not found");
    }

    @Test
    void shouldGiveUpOnADownRegistryAfterTheConfiguredRetries() throws IOException {
        // given a registry URL nobody listens on and 2 retries
        String url = "http://127.0.0.1:" + closedPort();
        Map<String, Object> config = config(url);
        config.put(SerdeConfig.SCHEMA_REGISTRY_RETRIES, "2");
        SpecificAvroSerializer<RequestLog> serializer = new SpecificAvroSerializer<>();
        serializer.configure(config, false);

        // when a record is serialized
        SchemaRegistryUnavailableException thrown = catchThrowableOfType(
                SchemaRegistryUnavailableException.class,
                () -> serializer.serialize("tollgate.requests", ContractRecords.requestLog()));

        // then it fails after 3 attempts, naming the URL, the request and the attempts
        assertThat(thrown.attempts()).isEqualTo(3);
        assertThat(thrown)
                .hasMessageContaining(url)
                .hasMessageContaining("POST /subjects/tollgate.requests-value/versions")
                .hasMessageContaining("after 3 attempts")
                .hasMessageContaining("ConnectException");
    }

    @Test
    void shouldRetryServerErrorsAndThenSucceed() throws IOException {
        // given a registry that answers 503 twice before working
        server = new FakeRegistryServer();
        server.registry().register("s-value", RequestLog.getClassSchema());
        AtomicInteger calls = new AtomicInteger();
        server.respond(request -> calls.incrementAndGet() <= 2
                ? FakeRegistryServer.error(503, 50301, "warming up")
                : FakeRegistryServer.ok(
                        "{\"schema\":" + quoted(RequestLog.getClassSchema().toString()) + "}"));
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(config(server.url()));

        // when the schema is fetched
        // then it arrives on the third attempt
        assertThat(client.getById(1)).isEqualTo(RequestLog.getClassSchema());
        assertThat(calls).hasValue(3);
    }

    @Test
    void shouldReportServerErrorsAfterTheRetries() throws IOException {
        // given a registry that always answers 500, and no retries
        server = new FakeRegistryServer();
        server.respond(request -> FakeRegistryServer.error(500, 50001, "Error in the backend data store"));
        Map<String, Object> config = config(server.url());
        config.put(SerdeConfig.SCHEMA_REGISTRY_RETRIES, 0);
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(config);

        // when a request is made / then it fails once, with the registry's last answer
        assertThatThrownBy(client::subjects)
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining("after 1 attempts")
                .hasMessageContaining("HTTP 500")
                .hasMessageContaining("Error in the backend data store");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void shouldTryTheUrlsInOrder() throws IOException {
        // given a dead first URL and a working second one
        server = new FakeRegistryServer();
        String dead = "http://127.0.0.1:" + closedPort();
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(config(dead + ", " + server.url()));

        // when a schema is registered
        int id = client.register("s-value", RequestLog.getClassSchema());

        // then the second URL served it at once
        assertThat(id).isEqualTo(1);
        assertThat(server.requests()).hasSize(1);
        assertThat(client.baseUrls()).hasSize(2);
    }

    @Test
    void shouldReportAnAnswerThatIsNotJson() throws IOException {
        // given a proxy answering 404 with an HTML page
        server = new FakeRegistryServer();
        server.respond(request -> new FakeRegistryServer.Response(404, "<html><body>Not here</body></html>"));
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(config(server.url()));

        // when a subject is looked up / then the status and the body are reported
        SchemaRegistryException thrown =
                catchThrowableOfType(SchemaRegistryException.class, () -> client.getLatest("x-value"));
        assertThat(thrown.httpStatus()).isEqualTo(404);
        assertThat(thrown.errorCode()).isEqualTo(-1);
        assertThat(thrown).hasMessageContaining("Not here");
    }

    private static String quoted(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

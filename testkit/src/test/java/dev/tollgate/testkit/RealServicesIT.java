package dev.tollgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@RealKafka
@RealRegistry
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RealServicesIT {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void producesAndConsumesARecord(KafkaBroker broker) throws Exception {
        String topic = "testkit-" + UUID.randomUUID();
        broker.createTopics(1, topic);

        Map<String, Object> producerConfig = broker.clientConfig();
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
            RecordMetadata meta =
                    producer.send(new ProducerRecord<>(topic, "key-1", "hello")).get(30, TimeUnit.SECONDS);
            assertThat(meta.offset()).isZero();
        }

        Map<String, Object> consumerConfig = broker.clientConfig();
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "testkit-" + UUID.randomUUID());
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
            }
        }
        assertThat(received).hasSize(1);
        assertThat(received.get(0).key()).isEqualTo("key-1");
        assertThat(received.get(0).value()).isEqualTo("hello");
    }

    @Test
    void registryListsSubjectsAndStoresSchemas(SchemaRegistry registry) throws Exception {
        assertThat(registry.url()).startsWith("http://127.0.0.1:").endsWith("/apis/ccompat/v7");

        HttpResponse<String> subjects = get(registry.url() + "/subjects");
        assertThat(subjects.statusCode()).isEqualTo(200);
        assertThat(subjects.body().trim()).startsWith("[").endsWith("]");

        String subject = "testkit-" + UUID.randomUUID() + "-value";
        String schema = "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Ping\\\","
                + "\\\"fields\\\":[{\\\"name\\\":\\\"n\\\",\\\"type\\\":\\\"int\\\"}]}";
        HttpResponse<String> registered = HTTP.send(
                HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/" + subject + "/versions"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"" + schema + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).isEqualTo(200);
        String id = registered.body().replaceAll("[^0-9]", "");
        assertThat(id).isNotEmpty();

        HttpResponse<String> byId = get(registry.url() + "/schemas/ids/" + id);
        assertThat(byId.statusCode()).isEqualTo(200);
        assertThat(byId.body()).contains("Ping");
        assertThat(get(registry.url() + "/subjects").body()).contains(subject);
    }

    @Test
    void sameInstancesAreSharedAcrossResolutions(KafkaBroker a, KafkaBroker b, SchemaRegistry r) {
        assertThat(a).isSameAs(b);
        assertThat(r.url()).isNotBlank();
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

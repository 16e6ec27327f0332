package dev.tollgate.app.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.app.metrics.DlqListener;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.junit.jupiter.api.Test;

class StreamsPropertiesTest {

    private static TollgateConfig config(Map<String, String> values) {
        return TollgateConfig.fromMap(values, "test", Map.of());
    }

    @Test
    void shouldConfigureExactlyOnceDeadLetterTopicAndCountingHandlers() {
        // given
        TollgateConfig c = config(Map.of(
                "bootstrap.servers",
                "k:9092",
                "topic.prefix",
                "t.",
                "num.standby.replicas",
                "1",
                "state.dir",
                "/var/lib/tollgate"));

        // when
        Properties p = TollgateService.streamsProperties(c, DlqListener.NOOP);

        // then
        assertThat(p)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "tollgate")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "k:9092")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/tollgate")
                .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1)
                .containsEntry("errors.dead.letter.queue.topic.name", "t.dlq")
                .containsEntry(
                        "deserialization.exception.handler", CountingDeserializationExceptionHandler.class.getName())
                .containsEntry("processing.exception.handler", CountingProcessingExceptionHandler.class.getName())
                .containsEntry("processing.exception.handler.global.enabled", true)
                .containsEntry(DeadLetterCounting.LISTENER_CONFIG, DlqListener.NOOP)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, TollgateService.DEFAULT_EOS_COMMIT_INTERVAL_MS);
    }

    @Test
    void shouldRunOneStreamThreadPerAvailableProcessorUnlessSet() {
        // given one configuration without num.stream.threads, one with it
        TollgateConfig unset = config(Map.of("bootstrap.servers", "k:9092"));
        TollgateConfig set = config(Map.of("bootstrap.servers", "k:9092", "num.stream.threads", "3"));

        // when
        Properties defaults = TollgateService.streamsProperties(unset, DlqListener.NOOP);
        Properties explicit = TollgateService.streamsProperties(set, DlqListener.NOOP);

        // then the default follows the processors this JVM may use, and an explicit value wins
        assertThat(defaults)
                .containsEntry(
                        StreamsConfig.NUM_STREAM_THREADS_CONFIG,
                        Runtime.getRuntime().availableProcessors());
        assertThat(explicit).containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 3);
    }

    @Test
    void shouldUseAnExplicitCommitIntervalUnderExactlyOnce() {
        // given exactly_once_v2 with commit.interval.ms set
        TollgateConfig c = config(Map.of("bootstrap.servers", "k:9092", "commit.interval.ms", "100"));

        // when
        Properties p = TollgateService.streamsProperties(c, DlqListener.NOOP);

        // then the setting wins over Tollgate's default
        assertThat(p).containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100L);
    }

    @Test
    void shouldKeepKafkaStreamsCommitIntervalUnderAtLeastOnceUnlessSet() {
        // given at_least_once without a commit interval
        TollgateConfig c = config(Map.of("bootstrap.servers", "k:9092", "processing.guarantee", "at_least_once"));

        // when
        Properties p = TollgateService.streamsProperties(c, DlqListener.NOOP);

        // then Kafka Streams' own default applies
        assertThat(p).doesNotContainKey(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
    }

    @Test
    void shouldBeAcceptedByStreamsConfigWithTheExpectedHandlers() {
        // given
        TollgateConfig c = config(Map.of(
                "bootstrap.servers",
                "k:9092",
                "processing.guarantee",
                "at_least_once",
                "commit.interval.ms",
                "250",
                "security.protocol",
                "SSL"));

        // when
        StreamsConfig sc = new StreamsConfig(TollgateService.streamsProperties(c, DlqListener.NOOP));

        // then
        DeserializationExceptionHandler d = sc.deserializationExceptionHandler();
        ProcessingExceptionHandler ph = sc.processingExceptionHandler();
        assertThat(d).isInstanceOf(CountingDeserializationExceptionHandler.class);
        assertThat(ph).isInstanceOf(CountingProcessingExceptionHandler.class);
        assertThat(sc.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(250L);
        assertThat(sc.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("at_least_once");
        assertThat(sc.getMainConsumerConfigs("g", "c", 0)).containsEntry("security.protocol", "SSL");
    }

    @Test
    void shouldGiveEachStreamThreadsMainConsumerAStaticInstanceId() {
        // given
        TollgateConfig c = config(Map.of("bootstrap.servers", "k:9092", "group.instance.id", "tollgate-2"));

        // when
        StreamsConfig streams = new StreamsConfig(TollgateService.streamsProperties(c, DlqListener.NOOP));

        // then
        assertThat(streams.getMainConsumerConfigs("tollgate", "client", 1))
                .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "tollgate-2-1");
        assertThat(streams.getRestoreConsumerConfigs("client"))
                .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        assertThat(TollgateService.streamsProperties(config(Map.of("bootstrap.servers", "k:9092")), DlqListener.NOOP))
                .doesNotContainKey("main.consumer.group.instance.id");
    }

    @Test
    void shouldLetTheEvaluatorsWatermarksReplaceStreamsTaskIdlingByDefault() {
        // given the default configuration, and one with per-source watermarks off
        TollgateConfig defaults = config(Map.of("bootstrap.servers", "k:9092"));
        TollgateConfig off = config(Map.of("bootstrap.servers", "k:9092", "source.idle.ms", "0"));

        // when
        StreamsConfig withWatermarks = new StreamsConfig(TollgateService.streamsProperties(defaults, DlqListener.NOOP));
        StreamsConfig withoutWatermarks = new StreamsConfig(TollgateService.streamsProperties(off, DlqListener.NOOP));

        // then Streams does not wait for empty partitions (and skips its per-record readiness check) only when the
        // evaluator holds ticks back itself
        assertThat(defaults.sourceIdleMs()).isEqualTo(1_000L);
        assertThat(withWatermarks.getLong(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG))
                .isEqualTo(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        assertThat(withoutWatermarks.getLong(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG))
                .isZero();
    }
}

/**
 * Avro {@link org.apache.avro.specific.SpecificRecord} serde in the Confluent wire format (magic byte
 * {@code 0x00}, 4-byte big-endian schema id, plain Avro binary) and the schema registry clients behind it:
 * an in-memory registry for {@code mock://SCOPE} URLs and an HTTP client for any registry that speaks the
 * Confluent Schema Registry REST API (Confluent, Apicurio ccompat, Karapace, Redpanda).
 *
 * <p>Entry points: {@link dev.tollgate.schemas.serde.SpecificAvroSerde},
 * {@link dev.tollgate.schemas.serde.SchemaRegistryClients#create(java.util.Map)} and the configuration keys
 * in {@link dev.tollgate.schemas.serde.SerdeConfig}. Every failure is a
 * {@link dev.tollgate.schemas.serde.TollgateSerializationException}, so Kafka clients and Kafka Streams see a
 * {@link org.apache.kafka.common.errors.SerializationException}.
 */
package dev.tollgate.schemas.serde;

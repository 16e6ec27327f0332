/** Avro contract of Tollgate and the Confluent-format serde. */
package dev.tollgate.schemas;

/** The pure Kafka Streams topology of Tollgate and its gate math. */
package dev.tollgate.topology;

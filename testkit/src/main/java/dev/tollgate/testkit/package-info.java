/** JUnit 5 extensions that start a real Kafka broker and a real schema registry for tests. */
package dev.tollgate.testkit;

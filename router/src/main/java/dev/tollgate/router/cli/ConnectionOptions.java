package dev.tollgate.router.cli;

import dev.tollgate.router.HaproxyRuntime;
import dev.tollgate.router.RouterClients;
import dev.tollgate.router.RouterTopics;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the cluster, the registry and HAProxy's runtime API are. */
public final class ConnectionOptions {
    @Option(
            names = "--bootstrap-servers",
            defaultValue = "${env:TOLLGATE_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (env TOLLGATE_BOOTSTRAP_SERVERS, default ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(
            names = "--schema-registry-url",
            defaultValue = "${env:TOLLGATE_SCHEMA_REGISTRY_URL:-http://127.0.0.1:8081}",
            description = "Confluent-API schema registry (env TOLLGATE_SCHEMA_REGISTRY_URL, default ${DEFAULT-VALUE}).")
    String registryUrl;

    @Option(
            names = "--topic-prefix",
            defaultValue = RouterTopics.DEFAULT_PREFIX,
            description = "Prefix of the contract topics (default ${DEFAULT-VALUE}).")
    String prefix;

    @Option(
            names = "--client-property",
            paramLabel = "KEY=VALUE",
            description = "Further Kafka client setting (security, ...); repeatable.")
    Map<String, String> clientProperties = new LinkedHashMap<>();

    @Option(
            names = "--haproxy",
            defaultValue = "${env:TOLLGATE_HAPROXY_SOCKET:-/run/haproxy/admin.sock}",
            description = "HAProxy runtime API: a Unix socket path or host:port of a stats socket with level admin"
                    + " (env TOLLGATE_HAPROXY_SOCKET, default ${DEFAULT-VALUE}).")
    String haproxy;

    RouterClients clients() {
        return new RouterClients(
                bootstrap, registryUrl, new RouterTopics(prefix), new LinkedHashMap<>(clientProperties));
    }

    HaproxyRuntime runtime() {
        return new HaproxyRuntime(haproxy);
    }
}

package dev.tollgate.app.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The production service jar ({@code target/tollgate.jar}, built in the package phase before failsafe runs this)
 * holds no Kafka broker and no test driver: no class of the broker's jars ({@code kafka_2.13}, {@code kafka-server}
 * and the other {@code org.apache.kafka} jars that come only with the broker, found on this test classpath because
 * the test kit's dev broker needs them), no Scala, and nothing of {@code kafka-streams-test-utils}. Those belong to
 * the tools jar.
 */
class ServiceJarContentsIT {
    private static final Path SERVICE_JAR = Path.of("target", "tollgate.jar");
    /** Jars of the broker: every org.apache.kafka jar but the clients and Streams, and Scala. */
    private static final Pattern BROKER_JAR =
            Pattern.compile("(kafka_2\\.13|kafka-(?!clients-|streams-)[a-z-]+|scala-[a-z-]+)-\\d[^/]*\\.jar");

    private static final List<String> BANNED_PREFIXES = List.of(
            "kafka/",
            "scala/",
            "org/apache/kafka/streams/TopologyTestDriver",
            "org/apache/kafka/streams/TestInputTopic",
            "org/apache/kafka/streams/TestOutputTopic",
            "org/apache/kafka/streams/test/");

    @Test
    void shouldHoldNoBrokerAndNoTestDriverClasses() throws IOException {
        // given
        assertThat(SERVICE_JAR).as("the shaded service jar (mvn package)").isRegularFile();
        Set<String> serviceEntries = classEntries(SERVICE_JAR);
        List<Path> brokerJars = testClasspath().stream()
                .filter(p -> BROKER_JAR.matcher(p.getFileName().toString()).matches())
                .toList();

        // when
        Set<String> banned = new TreeSet<>();
        for (String entry : serviceEntries) {
            if (BANNED_PREFIXES.stream().anyMatch(entry::startsWith)) {
                banned.add(entry);
            }
        }
        for (Path jar : brokerJars) {
            for (String entry : classEntries(jar)) {
                if (serviceEntries.contains(entry)) {
                    banned.add(entry + " (from " + jar.getFileName() + ")");
                }
            }
        }

        // then
        assertThat(brokerJars)
                .as("broker jars on the test classpath to compare with")
                .anyMatch(p -> p.getFileName().toString().startsWith("kafka_2.13-"))
                .anyMatch(p -> p.getFileName().toString().startsWith("kafka-server-"));
        assertThat(serviceEntries).as("the service's own classes").contains("dev/tollgate/app/cli/TollgateCli.class");
        assertThat(banned).as("broker or test-driver classes in " + SERVICE_JAR).isEmpty();
    }

    private static Set<String> classEntries(Path jar) throws IOException {
        Set<String> entries = new TreeSet<>();
        try (JarFile f = new JarFile(jar.toFile())) {
            f.stream()
                    .map(ZipEntry::getName)
                    .filter(n -> n.endsWith(".class"))
                    .filter(n -> !n.endsWith("module-info.class") && !n.startsWith("META-INF/"))
                    .forEach(entries::add);
        }
        return entries;
    }

    /** The jars of this JVM's classpath, following a manifest-only booter jar's Class-Path. */
    private static List<Path> testClasspath() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            out.add(p);
            if (e.endsWith(".jar") && Files.isRegularFile(p)) {
                try (JarFile f = new JarFile(p.toFile())) {
                    Manifest m = f.getManifest();
                    String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
                    if (cp != null) {
                        for (String url : cp.trim().split("\\s+")) {
                            out.add(Path.of(
                                    URI.create(url).isAbsolute()
                                            ? URI.create(url)
                                            : p.toUri().resolve(url)));
                        }
                    }
                }
            }
        }
        return out.stream().filter(p -> p.getFileName() != null).toList();
    }
}

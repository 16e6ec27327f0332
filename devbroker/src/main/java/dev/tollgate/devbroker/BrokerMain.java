package dev.tollgate.devbroker;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Main class of the dev broker's child JVM ({@link DevBroker}): formats the KRaft storage of the given server
 * properties and runs {@code kafka.Kafka} on them. Exits (Kafka shuts down cleanly through its shutdown hook) when its standard input
 * closes, so the broker never outlives the process that started it. The Kafka classes are called by reflection:
 * they are runtime dependencies only.
 *
 * <p>Arguments: {@code server.properties cluster-id}.
 */
public final class BrokerMain {
    /**
     * Optional file next to {@code server.properties}: extra {@code kafka-storage format} arguments, one per line
     * (e.g. {@code --add-scram} and its value); deleted once read, as it may hold passwords.
     */
    static final String FORMAT_ARGS_FILE = "format.args";

    private BrokerMain() {}

    /**
     * Ctrl-C in a terminal signals the whole process group, this child included; the parent then stops its Kafka
     * clients first and this broker after them (stdin EOF, SIGTERM). So SIGINT is ignored here (through
     * {@code sun.misc.Signal}, by reflection; where unavailable the broker simply stops at once).
     */
    static void ignoreInterrupt() {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object ignore = handler.getField("SIG_IGN").get(null);
            Object sigint = signal.getConstructor(String.class).newInstance("INT");
            signal.getMethod("handle", signal, handler).invoke(null, sigint, ignore);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            System.out.println("tollgate-broker: cannot ignore SIGINT (" + e + ")");
        }
    }

    /** Formats the storage and runs the broker; arguments {@code server.properties cluster-id}. */
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: BrokerMain server.properties cluster-id");
            System.exit(2);
        }
        ignoreInterrupt();
        Thread watchdog = new Thread(
                () -> {
                    try (InputStream in = System.in) {
                        while (in.read() >= 0) {
                            // discard
                        }
                    } catch (IOException ignored) {
                        // parent gone
                    }
                    System.out.println("tollgate-broker: parent gone, stopping");
                    System.exit(0);
                },
                "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        Class<?> storageTool = Class.forName("kafka.tools.StorageTool");
        Method execute = storageTool.getMethod("execute", String[].class, PrintStream.class);
        List<String> format =
                new ArrayList<>(List.of("format", "--config", args[0], "--cluster-id", args[1], "--ignore-formatted"));
        Path extra = Path.of(args[0]).toAbsolutePath().getParent().resolve(FORMAT_ARGS_FILE);
        if (Files.exists(extra)) {
            Files.readAllLines(extra).stream().filter(l -> !l.isBlank()).forEach(format::add);
            Files.delete(extra);
        }
        int rc = (Integer) execute.invoke(null, format.toArray(String[]::new), System.out);
        if (rc != 0) {
            System.err.println("tollgate-broker: formatting the storage failed (exit code " + rc + ")");
            System.exit(rc);
        }
        System.out.println("tollgate-broker: storage formatted, starting kafka.Kafka");
        Class.forName("kafka.Kafka").getMethod("main", String[].class).invoke(null, (Object) new String[] {args[0]});
    }
}

package dev.tollgate.schemas.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-memory schema registry with the semantics of Confluent's: ids are registry-wide and assigned from 1
 * upward, a schema registered under two subjects gets the same id, versions count from 1 per subject and a
 * new version must be BACKWARD compatible with the latest one (it can read what the latest one wrote).
 *
 * <p>{@code mock://SCOPE} URLs resolve to {@link #forScope(String)}: every serde configured with the same
 * scope in the same JVM shares one registry, as producers and consumers share a real one. Tests drop a scope
 * with {@link #dropScope(String)}. The registry is thread-safe.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

    private static final Logger LOG = LoggerFactory.getLogger(InMemorySchemaRegistry.class);

    private static final Map<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final String name;
    private final List<Schema> schemasById = new ArrayList<>();
    private final Map<Schema, Integer> idsBySchema = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new TreeMap<>();

    /** Creates a registry of its own, not reachable through a {@code mock://} URL. */
    public InMemorySchemaRegistry() {
        this("in-memory");
    }

    private InMemorySchemaRegistry(String name) {
        this.name = name;
    }

    /**
     * Returns the registry of a {@code mock://SCOPE} URL, creating it on first use.
     *
     * @param scope the scope (the part after {@code mock://})
     * @return the registry shared by every user of the scope
     */
    public static InMemorySchemaRegistry forScope(String scope) {
        Objects.requireNonNull(scope, "scope");
        return SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistry(SerdeConfig.MOCK_URL_PREFIX + s));
    }

    /**
     * Forgets the registry of a scope; the next {@link #forScope(String)} starts empty. Serdes still holding
     * the old registry keep using it.
     *
     * @param scope the scope
     */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
        List<Integer> versions = versionsBySubject.get(subject);
        Integer existing = idsBySchema.get(schema);
        if (versions != null && existing != null && versions.contains(existing)) {
            return existing;
        }
        if (versions != null && !versions.isEmpty()) {
            Schema latest = schemasById.get(versions.get(versions.size() - 1) - 1);
            String problems = Compatibility.problems(schema, latest);
            if (problems != null) {
                throw new IncompatibleSchemaException(
                        "Schema being registered is incompatible with the latest "
                                + "schema (version " + versions.size() + ") of subject " + subject + " under BACKWARD "
                                + "compatibility in the " + name + " registry: " + problems,
                        409,
                        -1,
                        null);
            }
        }
        int id;
        if (existing != null) {
            id = existing;
        } else {
            schemasById.add(schema);
            id = schemasById.size();
            idsBySchema.put(schema, id);
        }
        versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        LOG.debug(
                "Registered schema {} as id {} version {} of subject {} in the {} registry",
                schema.getFullName(),
                id,
                versionsBySubject.get(subject).size(),
                subject,
                name);
        return id;
    }

    @Override
    public synchronized int getId(String subject, Schema schema) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null) {
            throw new SchemaRegistryException(
                    "Subject " + subject + " not found in the " + name + " registry", 40401, -1);
        }
        Integer id = idsBySchema.get(schema);
        if (id == null || !versions.contains(id)) {
            throw new SchemaRegistryException(
                    "Schema " + schema.getFullName() + " is not registered under subject " + subject + " in the " + name
                            + " registry",
                    40403,
                    -1);
        }
        return id;
    }

    @Override
    public synchronized Schema getById(int id) {
        if (id < 1 || id > schemasById.size()) {
            throw new UnknownSchemaIdException(
                    id, "Unknown schema id " + id + " in the " + name + " registry", 40403, -1);
        }
        return schemasById.get(id - 1);
    }

    @Override
    public synchronized RegisteredSchema getLatest(String subject) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SchemaRegistryException(
                    "Subject " + subject + " not found in the " + name + " registry", 40401, -1);
        }
        int id = versions.get(versions.size() - 1);
        return new RegisteredSchema(id, versions.size(), schemasById.get(id - 1));
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    /**
     * Returns every version of a subject, oldest first.
     *
     * @param subject the subject
     * @return the versions, empty if the subject does not exist
     */
    public synchronized List<RegisteredSchema> versions(String subject) {
        List<Integer> ids = versionsBySubject.getOrDefault(subject, List.of());
        List<RegisteredSchema> result = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            result.add(new RegisteredSchema(ids.get(i), i + 1, schemasById.get(ids.get(i) - 1)));
        }
        return result;
    }

    /**
     * Describes the registry for logs.
     *
     * @return the registry name and size
     */
    @Override
    public synchronized String toString() {
        return "InMemorySchemaRegistry{" + name + ", schemas=" + schemasById.size() + ", subjects="
                + versionsBySubject.size() + "}";
    }
}

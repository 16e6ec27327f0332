package dev.tollgate.app.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The controllers' own CRD schemas (Argo Rollouts' and Flagger's {@code openAPIV3Schema}, vendored unchanged under
 * {@code src/test/resources/crds}, see the README there) as JSON Schemas, validated with networknt's
 * json-schema-validator the way {@code kubectl apply --validate=strict} (the default since Kubernetes 1.27) treats
 * a custom resource:
 *
 * <ul>
 *   <li>an object schema that lists {@code properties} allows no other field (the API server would prune it, and
 *       strict field validation rejects it), unless it says {@code x-kubernetes-preserve-unknown-fields: true};</li>
 *   <li>{@code x-kubernetes-int-or-string: true} is an integer or a string; {@code nullable: true} also allows
 *       null;</li>
 *   <li>types, enums, patterns, bounds and required fields as the schema states; {@code format} (int32, int64,
 *       date-time) and CEL rules ({@code x-kubernetes-validations}) are not checked.</li>
 * </ul>
 * The top-level {@code metadata} is Kubernetes' ObjectMeta, which a CRD schema leaves open; the test checks it
 * against the fabric8 model instead.
 */
final class CrdSchemas {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);

    private final Map<String, JsonSchema> byType = new LinkedHashMap<>();

    /** The schemas of every served version of every CRD in the given classpath resources. */
    static CrdSchemas load(String... resources) {
        CrdSchemas s = new CrdSchemas();
        for (String r : resources) {
            try (InputStream in = CrdSchemas.class.getResourceAsStream(r)) {
                if (in == null) {
                    throw new IllegalStateException("no resource " + r);
                }
                var it = YAML.readValues(new YAMLFactory().createParser(in), JsonNode.class);
                while (it.hasNext()) {
                    s.add(it.next());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(r, e);
            }
        }
        return s;
    }

    private void add(JsonNode crd) {
        if (!"CustomResourceDefinition".equals(crd.path("kind").asText())) {
            return;
        }
        String group = crd.path("spec").path("group").asText();
        String kind = crd.path("spec").path("names").path("kind").asText();
        for (JsonNode v : crd.path("spec").path("versions")) {
            JsonNode schema = v.path("schema").path("openAPIV3Schema");
            if (v.path("served").asBoolean(false) && schema.isObject()) {
                byType.put(group + "/" + v.path("name").asText() + "/" + kind, FACTORY.getSchema(jsonSchema(schema)));
            }
        }
    }

    /** Whether a schema is known for {@code apiVersion/kind}, e.g. {@code flagger.app/v1beta1/Canary}. */
    boolean knows(String type) {
        return byType.containsKey(type);
    }

    /** The schema violations of a document, each prefixed with {@code where}; empty when it is valid. */
    List<String> check(String where, String type, JsonNode doc) {
        List<String> out = new ArrayList<>();
        for (ValidationMessage m : byType.get(type).validate(doc)) {
            out.add(where + ": " + m.getMessage());
        }
        return out;
    }

    /** An OpenAPI v3 structural schema as a strict draft-7 JSON Schema (the rules in the class comment). */
    static JsonNode jsonSchema(JsonNode openApi) {
        ObjectNode s = openApi.deepCopy();
        strict(s);
        return s;
    }

    private static void strict(ObjectNode s) {
        boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (s.path("x-kubernetes-int-or-string").asBoolean(false) && !s.has("anyOf")) {
            ArrayNode any = s.putArray("anyOf");
            any.addObject().put("type", "integer");
            any.addObject().put("type", "string");
            s.remove("type");
        }
        if (s.path("nullable").asBoolean(false) && s.path("type").isTextual()) {
            ArrayNode types = JsonNodeFactory.instance.arrayNode();
            types.add(s.path("type").asText());
            types.add("null");
            s.set("type", types);
        }
        if (s.has("properties") && !s.has("additionalProperties") && !preserve) {
            s.put("additionalProperties", false);
        }
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (f.startsWith("x-kubernetes-") || f.equals("nullable") || f.equals("format")) {
                it.remove();
            }
        }
        s.path("properties").forEach(CrdSchemas::strictIfObject);
        strictIfObject(s.path("items"));
        strictIfObject(s.path("additionalProperties"));
        for (String combinator : List.of("anyOf", "allOf", "oneOf")) {
            s.path(combinator).forEach(CrdSchemas::strictIfObject);
        }
        strictIfObject(s.path("not"));
    }

    private static void strictIfObject(JsonNode n) {
        if (n instanceof ObjectNode o) {
            strict(o);
        }
    }
}

package dev.tollgate.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import org.junit.jupiter.api.Test;

class CrdSchemasTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    private static JsonSchema schema(String openApiYaml) throws Exception {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                .getSchema(CrdSchemas.jsonSchema(YAML.readTree(openApiYaml)));
    }

    private static boolean valid(JsonSchema s, String yaml) throws Exception {
        JsonNode doc = YAML.readTree(yaml);
        return s.validate(doc).isEmpty();
    }

    @Test
    void shouldTreatCrdSchemasAsStrictFieldValidationDoes() throws Exception {
        // given: a structural schema with a closed object, an open one, an int-or-string and a nullable field
        JsonSchema s = schema("""
                type: object
                properties:
                  closed:
                    type: object
                    properties: {a: {type: integer, format: int32}}
                  open:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
                    properties: {a: {type: integer}}
                  count: {x-kubernetes-int-or-string: true}
                  note: {type: string, nullable: true}
                """);

        // when/then
        assertThat(valid(s, "closed: {a: 1}")).isTrue();
        assertThat(valid(s, "closed: {a: 1, b: 2}"))
                .as("unknown field in a closed object")
                .isFalse();
        assertThat(valid(s, "closed: {a: x}"))
                .as("string where an integer belongs")
                .isFalse();
        assertThat(valid(s, "open: {a: 1, b: {c: 2}}"))
                .as("x-kubernetes-preserve-unknown-fields")
                .isTrue();
        assertThat(valid(s, "open: {a: x}")).as("listed fields keep their type").isFalse();
        assertThat(valid(s, "count: 5")).isTrue();
        assertThat(valid(s, "count: \"{{args.count}}\"")).isTrue();
        assertThat(valid(s, "count: true")).isFalse();
        assertThat(valid(s, "note: null")).isTrue();
        assertThat(valid(s, "other: 1")).as("unknown field at the top").isFalse();
    }
}

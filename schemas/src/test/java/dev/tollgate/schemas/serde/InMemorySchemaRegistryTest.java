package dev.tollgate.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.RequestLog;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryTest {

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @Test
    void shouldAssignIdsFromOneAndReuseThemAcrossSubjects() {
        // given two schemas
        // when registered under several subjects, one of them twice
        int requests = registry.register("a-value", RequestLog.getClassSchema());
        int decisions = registry.register("b-value", GateDecision.getClassSchema());
        int requestsAgain = registry.register("c-value", RequestLog.getClassSchema());
        int idempotent = registry.register("a-value", RequestLog.getClassSchema());

        // then ids count from 1, the same schema has one id, re-registering adds no version
        assertThat(requests).isEqualTo(1);
        assertThat(decisions).isEqualTo(2);
        assertThat(requestsAgain).isEqualTo(1);
        assertThat(idempotent).isEqualTo(1);
        assertThat(registry.versions("a-value")).hasSize(1);
        assertThat(registry.subjects()).containsExactly("a-value", "b-value", "c-value");
        assertThat(registry.getById(2)).isEqualTo(GateDecision.getClassSchema());
        assertThat(registry.getId("c-value", RequestLog.getClassSchema())).isEqualTo(1);
    }

    @Test
    void shouldKeepVersionsPerSubjectAndAnswerTheLatest() {
        // given two compatible versions of a subject
        Schema older = Schemas.withoutFields(RequestLog.getClassSchema(), "modelTag");
        registry.register("r-value", older);
        registry.register("r-value", RequestLog.getClassSchema());

        // when the latest is asked for / then it is version 2 with id 2
        assertThat(registry.getLatest("r-value")).isEqualTo(new RegisteredSchema(2, 2, RequestLog.getClassSchema()));
        assertThat(registry.versions("r-value"))
                .extracting(RegisteredSchema::schema)
                .containsExactly(older, RequestLog.getClassSchema());
    }

    @Test
    void shouldRefuseABackwardIncompatibleVersion() {
        // given a subject holding RequestLog
        registry.register("r-value", RequestLog.getClassSchema());

        // when a version that changes a field's type incompatibly is registered / then it is refused
        Schema breaking = Schemas.withFieldType(RequestLog.getClassSchema(), "latencyMs", "\"int\"");
        assertThatThrownBy(() -> registry.register("r-value", breaking))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("r-value")
                .hasMessageContaining("latencyMs");
        // and another subject may still take it
        assertThat(registry.register("other-value", breaking)).isEqualTo(2);
    }

    @Test
    void shouldFailLookupsOfUnknownSubjectsSchemasAndIds() {
        // given a registry with one subject
        registry.register("r-value", RequestLog.getClassSchema());

        // when unknown things are asked for / then each failure says what is unknown
        assertThatThrownBy(() -> registry.getId("nope-value", RequestLog.getClassSchema()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("nope-value")
                .extracting(e -> ((SchemaRegistryException) e).errorCode())
                .isEqualTo(40401);
        assertThatThrownBy(() -> registry.getId("r-value", GateDecision.getClassSchema()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("GateDecision")
                .extracting(e -> ((SchemaRegistryException) e).errorCode())
                .isEqualTo(40403);
        assertThatThrownBy(() -> registry.getById(0)).isInstanceOf(UnknownSchemaIdException.class);
        assertThatThrownBy(() -> registry.getById(2)).isInstanceOf(UnknownSchemaIdException.class);
        assertThatThrownBy(() -> registry.getLatest("nope-value")).isInstanceOf(SchemaRegistryException.class);
    }

    @Test
    void shouldShareOneRegistryPerScopeUntilDropped() {
        // given a scope
        InMemorySchemaRegistry first = InMemorySchemaRegistry.forScope("scope-test");
        first.register("r-value", RequestLog.getClassSchema());

        // when it is asked for again, and after being dropped
        InMemorySchemaRegistry same = InMemorySchemaRegistry.forScope("scope-test");
        InMemorySchemaRegistry.dropScope("scope-test");
        InMemorySchemaRegistry fresh = InMemorySchemaRegistry.forScope("scope-test");
        InMemorySchemaRegistry.dropScope("scope-test");

        // then the same instance is shared, and a dropped scope starts empty
        assertThat(same).isSameAs(first);
        assertThat(fresh).isNotSameAs(first);
        assertThat(fresh.subjects()).isEmpty();
    }
}

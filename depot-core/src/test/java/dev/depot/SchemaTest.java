package dev.depot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SchemaTest {
    record Flat(String id, int n, Instant at, UUID ref) {}

    record Nested(String id, Flat flat) {}

    record WithList(String id, List<String> tags) {}

    static final class Mutable {
        public String id;
    }

    @Test
    void validatesNamesWhenBuilding() {
        assertThatThrownBy(() -> Schema.of("Bad-Name", String.class, Flat.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Bad-Name");
        assertThatThrownBy(() -> Schema.of("flat", String.class, Flat.class).key(Flat::id)
                .index("n", Long.class, f -> (long) f.n()).index("N", Long.class, f -> 1L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("declared twice");
        assertThatThrownBy(() -> Schema.of("flat", String.class, Flat.class).build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Schema.of("flat", Object.class, Flat.class).key(f -> f.id()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KeyCodec");
    }

    @Test
    void sharesDecodedValuesOnlyForDeeplyImmutableTypes() {
        assertThat(Schema.of("a", String.class, Flat.class).key(Flat::id).build().immutableValues()).isTrue();
        assertThat(Schema.of("b", String.class, Nested.class).key(Nested::id).build().immutableValues()).isTrue();
        assertThat(Schema.of("c", String.class, WithList.class).key(WithList::id).build().immutableValues()).isFalse();
        assertThat(Schema.of("d", String.class, Mutable.class).key(m -> m.id).build().immutableValues()).isFalse();
    }

    @Test
    void jsonSchemasExtractByPointer() {
        Schema<String, tools.jackson.databind.JsonNode> s = Schema.json("docs").key("/id")
                .index("score", Long.class, "/stats/score").build();
        try (Depot depot = Depot.open("memory:")) {
            Records<String, tools.jackson.databind.JsonNode> docs = depot.records(s);
            docs.insert(JsonCodec.MAPPER.valueToTree(Map.of("id", "a", "stats", Map.of("score", 7))));
            docs.insert(JsonCodec.MAPPER.valueToTree(Map.of("id", "b")));
            assertThat(docs.query().where(Q.field("score").ge(5)).list()).hasSize(1);
            assertThat(docs.query().where(Q.field("score").isNull()).list().get(0).get("id").asString()).isEqualTo("b");
        }
    }
}

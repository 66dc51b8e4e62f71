package dev.depot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Which value types the JSON codec reads by member name, so that a backend may reorder their keys. */
class MemberOrderTest {
    enum Level { LOW, HIGH }

    record Address(String zip, String city) {}

    record Plain(UUID id, String name, int score, Instant at, Level level, byte[] photo, Optional<String> nick) {}

    record Nested(String name, Address home, List<Address> past, Set<Level> levels, Address[] others) {}

    record Tree(String name, List<Tree> children) {}

    record Renamed(@JsonProperty("n") String name, int a) {}

    record WithMap(String name, Map<String, Integer> scores) {}

    record WithNode(String name, JsonNode extra) {}

    record WithObject(String name, Object extra) {}

    record WithList(String name, List<Object> extra) {}

    record WithGeneric<T>(String name, T extra) {}

    record DeepMap(String name, List<WithMap> inner) {}

    record Created(String name, int a) {
        @JsonCreator
        static Created of(@JsonProperty("name") String name, @JsonProperty("a") int a) {
            return new Created(name, a);
        }
    }

    static final class Bean {
        public String name;
    }

    @Test
    void recordsOfScalarsListsAndRecordsAreReadByName() {
        assertThat(MemberOrder.irrelevant(Plain.class)).isTrue();
        assertThat(MemberOrder.irrelevant(Nested.class)).isTrue();
        assertThat(MemberOrder.irrelevant(Tree.class)).as("recursive").isTrue();
        assertThat(MemberOrder.irrelevant(Renamed.class)).as("naming annotations").isTrue();
    }

    @Test
    void valuesThatCanShowTheOrderAreNot() {
        assertThat(MemberOrder.irrelevant(WithMap.class)).as("a LinkedHashMap keeps the order").isFalse();
        assertThat(MemberOrder.irrelevant(DeepMap.class)).isFalse();
        assertThat(MemberOrder.irrelevant(WithNode.class)).isFalse();
        assertThat(MemberOrder.irrelevant(JsonNode.class)).isFalse();
        assertThat(MemberOrder.irrelevant(WithObject.class)).isFalse();
        assertThat(MemberOrder.irrelevant(WithList.class)).isFalse();
        assertThat(MemberOrder.irrelevant(WithGeneric.class)).isFalse();
        assertThat(MemberOrder.irrelevant(Created.class)).as("a creator may read anything").isFalse();
        assertThat(MemberOrder.irrelevant(Bean.class)).as("only records are analysed").isFalse();
        assertThat(MemberOrder.irrelevant(String.class)).isTrue();
    }

    @Test
    void whatItCallsIrrelevantDecodesEquallyFromReorderedKeys() {
        Codec<Nested> codec = Codec.json(Nested.class);
        Nested v = new Nested("ann", new Address("75001", "Paris"), List.of(new Address("1000", "Wien")), Set.of(Level.HIGH),
                new Address[] {new Address("2", "B")});
        String sorted = "{\"name\":\"ann\",\"home\":{\"zip\":\"75001\",\"city\":\"Paris\"},"
                + "\"past\":[{\"zip\":\"1000\",\"city\":\"Wien\"}],\"levels\":[\"HIGH\"],\"others\":[{\"zip\":\"2\",\"city\":\"B\"}]}";
        String reordered = "{\"others\":[{\"city\":\"B\",\"zip\":\"2\"}],\"home\":{\"city\":\"Paris\",\"zip\":\"75001\"},"
                + "\"name\":\"ann\",\"levels\":[\"HIGH\"],\"past\":[{\"city\":\"Wien\",\"zip\":\"1000\"}]}";
        Nested a = codec.decode(sorted.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Nested b = codec.decode(reordered.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(codec.encode(a)).isEqualTo(codec.encode(b)).isEqualTo(codec.encode(v));
    }

    @Test
    void onlyTheDefaultCodecIsTrusted() {
        Schema<String, Plain> json = Schema.of("p", String.class, Plain.class).key(Plain::name).build();
        Schema<String, Plain> custom = Schema.of("p", String.class, Plain.class).key(Plain::name).codec(Codec.json(Plain.class)).build();
        assertThat(json.anyKeyOrder()).isTrue();
        assertThat(custom.anyKeyOrder()).isFalse();
    }
}

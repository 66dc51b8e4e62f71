package dev.depot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Depot's mapper creates values exactly as plain Jackson does, through its spread creator handles:
 * the same values for records and creator classes of every arity and visibility, and the same
 * failure (type and message) when a constructor refuses its arguments.
 */
class SpreadCreatorsTest {
    public record Two(String a, int b) {}

    public record Five(String a, long b, double c, List<String> d, Two e) {}

    record Hidden(String a, int b) {}

    private record Private(String a, String b) {}

    public record Checked(String name, int size) {
        public Checked {
            if (size < 0) {
                throw new IllegalArgumentException("size must not be negative, got " + size);
            }
        }
    }

    public record One(String a) {}

    public static final class Creator {
        final String a;
        final int b;

        @JsonCreator
        public Creator(@JsonProperty("a") String a, @JsonProperty("b") int b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Creator c && c.a.equals(a) && c.b == b;
        }

        @Override
        public int hashCode() {
            return Objects.hash(a, b);
        }
    }

    private static final JsonMapper PLAIN = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    @Test
    void valuesOfEveryShapeAreTheOnesJacksonMakes() {
        same("{\"a\": \"x\", \"b\": 2}", Two.class);
        same("{\"b\": 2}", Two.class); // a missing component: null / 0, as Jackson
        same("{\"a\": \"x\", \"b\": 3, \"c\": 1.5, \"d\": [\"p\", \"q\"], \"e\": {\"a\": \"y\", \"b\": 4}, \"z\": 1}", Five.class);
        same("{\"a\": \"x\", \"b\": 2}", Hidden.class);
        same("{\"a\": \"x\", \"b\": \"y\"}", Private.class);
        same("{\"name\": \"n\", \"size\": 1}", Checked.class);
        same("{\"a\": \"x\"}", One.class);
        same("{\"a\": \"x\", \"b\": 9}", Creator.class);
        assertThat(JsonCodec.MAPPER.readValue("{\"a\": \"x\", \"b\": 2}", Two.class)).isEqualTo(new Two("x", 2));
    }

    @Test
    void constructorsOfTwoOrMoreParametersAreCalledThroughTheSpreadHandle() {
        for (Class<?> type : List.of(Two.class, Five.class, Hidden.class, Private.class, Checked.class, Creator.class)) {
            assertThat(instantiator(type)).as(type.getSimpleName()).isEqualTo("Spread");
        }
        assertThat(instantiator(One.class)).as("one parameter: Jackson calls it directly").isNotEqualTo("Spread");
    }

    private static String instantiator(Class<?> type) {
        var d = JsonCodec.MAPPER._deserializationContext().findRootValueDeserializer(JsonCodec.MAPPER.constructType(type));
        return ((tools.jackson.databind.deser.bean.BeanDeserializerBase) d).getValueInstantiator().getClass().getSimpleName();
    }

    @Test
    void aConstructorThatRefusesFailsAsInJackson() {
        String json = "{\"name\": \"n\", \"size\": -1}";
        Throwable ours = failure(JsonCodec.MAPPER, json);
        Throwable theirs = failure(PLAIN, json);
        assertThat(ours).isNotNull().hasSameClassAs(theirs);
        assertThat(ours.getMessage()).isEqualTo(theirs.getMessage()).contains("size must not be negative, got -1");
        assertThat(ours.getCause()).hasSameClassAs(theirs.getCause());
    }

    private static <T> void same(String json, Class<T> type) {
        assertThat(JsonCodec.MAPPER.readValue(json, type)).as(type.getSimpleName()).isEqualTo(PLAIN.readValue(json, type));
    }

    private static Throwable failure(JsonMapper mapper, String json) {
        try {
            mapper.readValue(json, Checked.class);
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }
}

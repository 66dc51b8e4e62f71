package dev.depot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;
import tools.jackson.databind.json.JsonMapper;

/**
 * Depot's mapper reads every instant text exactly as plain Jackson does: the same instant, or a
 * failure where Jackson fails. Texts are random instants over years 0000–9999 written with 0–9
 * fraction digits, and variants just outside the fast form (offsets, lower case, spaces, numbers,
 * leap seconds, impossible dates, too many digits).
 */
class IsoInstantDeserializerTest {
    record At(Instant at) {}

    record Formatted(@JsonFormat(pattern = "yyyy/MM/dd HH:mm", timezone = "UTC") Instant at) {}

    private static final JsonMapper PLAIN = JsonMapper.builder().build();

    @Property(tries = 3000)
    void readsEveryTextAsJacksonDoes(@ForAll("texts") String text) {
        assertThat(read(JsonCodec.MAPPER, text)).as(text).isEqualTo(read(PLAIN, text));
    }

    @Example
    void theFastFormIsTakenAndEdgesFallBack() {
        assertThat(IsoInstantDeserializer.parse("2024-02-29T23:59:59.123456789Z")).isEqualTo(Instant.parse("2024-02-29T23:59:59.123456789Z"));
        assertThat(IsoInstantDeserializer.parse("0000-01-01T00:00:00Z")).isEqualTo(Instant.parse("0000-01-01T00:00:00Z"));
        assertThat(IsoInstantDeserializer.parse("9999-12-31T23:59:59.9Z")).isEqualTo(Instant.parse("9999-12-31T23:59:59.900Z"));
        for (String other : List.of("2023-02-29T00:00:00Z", "2024-01-01T23:59:60Z", "2024-01-01T24:00:00Z", "2024-01-01t00:00:00Z",
                "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00.1234567890Z", "2024-01-01T00:00:00+00:00", " 2024-01-01T00:00:00Z",
                "+10000-01-01T00:00:00Z", "2024-1-01T00:00:00Z", "2024-01-01T00:00:0xZ")) {
            assertThat(IsoInstantDeserializer.parse(other)).as(other).isNull();
            assertThat(read(JsonCodec.MAPPER, other)).as(other).isEqualTo(read(PLAIN, other));
        }
    }

    @Example
    void anAnnotatedPropertyKeepsItsFormat() {
        String json = "{\"at\": \"2024/05/01 12:30\"}";
        assertThat(JsonCodec.MAPPER.readValue(json, Formatted.class).at()).isEqualTo(Instant.parse("2024-05-01T12:30:00Z"));
        assertThat(JsonCodec.MAPPER.readValue(json, Formatted.class)).isEqualTo(PLAIN.readValue(json, Formatted.class));
    }

    /** The instant read, or the failure's class: what a caller can observe. */
    private static Object read(JsonMapper mapper, String text) {
        try {
            return mapper.readValue("{\"at\": \"" + text + "\"}", At.class).at();
        } catch (RuntimeException e) {
            return e.getClass();
        }
    }

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> valid = Combinators.combine(
                        Arbitraries.longs().between(Instant.parse("0000-01-01T00:00:00Z").getEpochSecond(),
                                Instant.parse("9999-12-31T23:59:59Z").getEpochSecond()),
                        Arbitraries.integers().between(0, 999_999_999), Arbitraries.integers().between(0, 9))
                .as((seconds, nanos, digits) -> fastForm(Instant.ofEpochSecond(seconds), nanos, digits));
        Arbitrary<String> fields = Combinators.combine(Arbitraries.integers().between(0, 10_000), Arbitraries.integers().between(0, 13),
                        Arbitraries.integers().between(0, 32), Arbitraries.integers().between(0, 25), Arbitraries.integers().between(0, 61),
                        Arbitraries.integers().between(0, 61))
                .as((y, mo, d, h, mi, s) -> String.format("%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s));
        return Arbitraries.oneOf(valid, fields, valid.map(IsoInstantDeserializerTest::mutate));
    }

    /** {@code instant} (whole seconds) with {@code nanos} cut to {@code digits} fraction digits. */
    private static String fastForm(Instant instant, int nanos, int digits) {
        String base = instant.toString(); // whole seconds: no fraction
        if (digits == 0) {
            return base;
        }
        String fraction = String.format("%09d", nanos).substring(0, digits);
        return base.substring(0, base.length() - 1) + "." + fraction + "Z";
    }

    private static String mutate(String s) {
        int h = s.hashCode() & 7;
        return switch (h) {
            case 0 -> s.replace('T', 't');
            case 1 -> s.replace("Z", "+00:00");
            case 2 -> s.replace("Z", "+01:30");
            case 3 -> " " + s;
            case 4 -> s.replace("Z", "");
            case 5 -> s.substring(0, 17) + "60Z";
            case 6 -> s.replace("Z", "0000000000Z");
            default -> Long.toString(Instant.parse(s).getEpochSecond());
        };
    }
}

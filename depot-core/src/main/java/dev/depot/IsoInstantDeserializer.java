package dev.depot;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ext.javatime.deser.InstantDeserializer;

/**
 * Jackson's {@code Instant} deserializer with a fast path for the form {@code Instant.toString()}
 * writes and Depot stores ({@code 2024-05-01T12:30:45.123456Z}: four-digit year, seconds 00–59, 0–9
 * fraction digits, {@code Z}). Jackson parses it with {@code DateTimeFormatter.ISO_INSTANT}, whose
 * parse context (a map of fields per call) was over a third of the bytes an update allocated and a
 * tenth of its time for a record with one instant. Any other text — offsets, lower case, spaces,
 * numbers, a leap second, an invalid date — and any deserializer Jackson derives for an annotated
 * property ({@code @JsonFormat}) take Jackson's own path, so every result and error is Jackson's.
 */
final class IsoInstantDeserializer extends InstantDeserializer<Instant> {
    static final IsoInstantDeserializer INSTANCE = new IsoInstantDeserializer();

    private IsoInstantDeserializer() {
        super(InstantDeserializer.INSTANT, DateTimeFormatter.ISO_INSTANT);
    }

    @Override
    protected Instant _fromString(JsonParser p, DeserializationContext ctxt, String text) throws JacksonException {
        Instant fast = _formatter == DateTimeFormatter.ISO_INSTANT ? parse(text) : null;
        return fast != null ? fast : super._fromString(p, ctxt, text);
    }

    /** The instant {@code text} names in the fast form, or null (another form, or not valid). */
    static Instant parse(String text) {
        int n = text.length();
        if (n < 20 || n > 30 || n == 21 || text.charAt(n - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            if (text.charAt(19) != '.') {
                return null;
            }
            int fraction = digits(text, 20, n - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = n - 1 - 20; i < 9; i++) {
                nanos *= 10;
            }
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null; // Jackson's path says what is wrong with it
        }
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600 + minute * 60 + second, nanos);
    }

    /** The decimal value of {@code text[from, to)} (at most 9 digits), or -1 if one is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            int d = text.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }
}

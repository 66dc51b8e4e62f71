package dev.depot.jdbc;

import java.time.Instant;

/**
 * Instants as epoch microseconds: a fixed-width integer whose numeric order is time order on every
 * database. Index instants are already truncated to microseconds by core, so this is exact.
 */
final class EpochMicros {
    private EpochMicros() {}

    static long of(Instant i) {
        try {
            return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1_000);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("an Instant index value is outside the storable range (about +-290,000 years)");
        }
    }

    static Instant toInstant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}

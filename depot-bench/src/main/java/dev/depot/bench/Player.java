package dev.depot.bench;

import java.time.Instant;
import java.util.UUID;

/**
 * The benchmark record: about 200 bytes of JSON with Jackson 3, two indexed fields ({@code name},
 * {@code score}). Deeply immutable, so Depot may share one decoded instance between readers.
 */
public record Player(UUID id, String name, String email, int score, Instant joined, String country, String bio) {

    /** A copy with another score (what the update workloads write). */
    public Player withScore(int newScore) {
        return new Player(id, name, email, newScore, joined, country, bio);
    }
}

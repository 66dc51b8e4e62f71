package dev.depot.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The value shapes of {@link ValueShapesBench}: ordinary types that are not deeply immutable, each
 * about 200 bytes of JSON, generated deterministically like {@link Data} (key {@code i}, a unique
 * score that is a permutation of {@code 0..n-1}).
 */
public final class Shapes {
    private static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");
    private static final String[] TAGS = {"chess", "go", "shogi", "xiangqi", "draughts", "backgammon"};

    private Shapes() {}

    /** The record of issue 13: one {@code List} field makes it mutable. */
    public record Tagged(UUID id, String name, String email, int score, Instant joined, List<String> tags) {}

    /** A record with a {@code Map}. */
    public record Stats(UUID id, String name, String email, int score, Instant joined, Map<String, Integer> stats) {}

    /** An immutable line of {@link Roster}. */
    public record Entry(String item, int quantity, Instant at) {}

    /** A record with a list of nested records. */
    public record Roster(UUID id, String name, int score, Instant joined, List<Entry> entries) {}

    /** A mutable class with setters, as JPA-style code writes them. */
    public static final class Bean {
        private UUID id;
        private String name;
        private String email;
        private int score;
        private Instant joined;
        private List<String> tags = new ArrayList<>();

        public UUID getId() {
            return id;
        }

        public void setId(UUID id) {
            this.id = id;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getEmail() {
            return email;
        }

        public void setEmail(String email) {
            this.email = email;
        }

        public int getScore() {
            return score;
        }

        public void setScore(int score) {
            this.score = score;
        }

        public Instant getJoined() {
            return joined;
        }

        public void setJoined(Instant joined) {
            this.joined = joined;
        }

        public List<String> getTags() {
            return tags;
        }

        public void setTags(List<String> tags) {
            this.tags = tags;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bean b && Objects.equals(id, b.id) && Objects.equals(name, b.name)
                    && Objects.equals(email, b.email) && score == b.score && Objects.equals(joined, b.joined)
                    && Objects.equals(tags, b.tags);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, name, score);
        }
    }

    private static List<String> tags(long i) {
        List<String> tags = new ArrayList<>(3);
        for (int t = 0; t < 3; t++) {
            tags.add(TAGS[(int) ((i + t) % TAGS.length)]);
        }
        return tags;
    }

    public static Tagged tagged(long i, int n) {
        String name = Data.name(i);
        return new Tagged(Data.key(i), name, name + "@example.com", Data.score(i, n), EPOCH.plusSeconds(i * 37), tags(i));
    }

    public static Stats stats(long i, int n) {
        String name = Data.name(i);
        Map<String, Integer> stats = new LinkedHashMap<>();
        stats.put("wins", (int) (i % 97));
        stats.put("losses", (int) (i % 89));
        stats.put("draws", (int) (i % 13));
        return new Stats(Data.key(i), name, name + "@example.com", Data.score(i, n), EPOCH.plusSeconds(i * 37), stats);
    }

    public static Roster roster(long i, int n) {
        Instant joined = EPOCH.plusSeconds(i * 37);
        List<Entry> entries = new ArrayList<>(3);
        for (int e = 0; e < 3; e++) {
            entries.add(new Entry(TAGS[(int) ((i + e) % TAGS.length)], e + 1, joined.plusSeconds(e)));
        }
        return new Roster(Data.key(i), Data.name(i), Data.score(i, n), joined, entries);
    }

    public static Bean bean(long i, int n) {
        Bean b = new Bean();
        String name = Data.name(i);
        b.setId(Data.key(i));
        b.setName(name);
        b.setEmail(name + "@example.com");
        b.setScore(Data.score(i, n));
        b.setJoined(EPOCH.plusSeconds(i * 37));
        b.setTags(tags(i));
        return b;
    }
}

package dev.depot.bench;

import dev.depot.Codec;
import dev.depot.Schema;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The data every store is loaded with, generated deterministically so each store holds the same
 * records: key {@code i} has name {@code player-%07d}, a unique score (a permutation of
 * {@code 0..n-1}, so {@code between(s, s + 99)} matches exactly 100 rows) and a fixed-size bio.
 */
public final class Data {
    /** The Depot schema: UUID key, two indexes. Values are immutable records (decoded once, shared). */
    public static final Schema<UUID, Player> PLAYERS = Schema.of("players", UUID.class, Player.class)
            .key(Player::id)
            .index("name", String.class, Player::name)
            .index("score", Long.class, p -> (long) p.score())
            .build();

    /**
     * The same schema with the codec given explicitly, which turns off Depot's sharing of decoded
     * immutable values: every read decodes the stored bytes, as it does for mutable value types.
     */
    public static final Schema<UUID, Player> PLAYERS_DECODED = Schema.of("players_decoded", UUID.class, Player.class)
            .key(Player::id)
            .index("name", String.class, Player::name)
            .index("score", Long.class, p -> (long) p.score())
            .codec(Codec.json(Player.class))
            .build();

    /** Jackson 3 configured as Depot's default codec; reader and writer resolved once. */
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    public static final ObjectReader READER = MAPPER.readerFor(Player.class);
    public static final ObjectWriter WRITER = MAPPER.writerFor(Player.class);

    private static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");
    private static final String[] COUNTRIES = {"DE", "FR", "US", "JP", "BR", "IN", "NG", "SE"};
    private static final String BIO = "Plays chess on weekends.";
    private static final long MIX = 0x9E3779B97F4A7C15L;

    private Data() {}

    /** The key of record {@code i}; keys beyond {@code n} are the ones inserted during a run. */
    public static UUID key(long i) {
        return new UUID(0x00DE_9070_0000_0000L ^ (i * MIX), i);
    }

    public static String name(long i) {
        String digits = Long.toString(i);
        return digits.length() >= 7 ? "player-" + digits : "player-" + "0000000".substring(digits.length()) + digits;
    }

    /** A permutation of {@code 0..n-1}: {@code i * p mod n} with {@code p} coprime to {@code n}. */
    public static int score(long i, int n) {
        return (int) ((i * 7_919L) % n);
    }

    /** Record {@code i} of a data set of {@code n}; about 200 bytes as JSON. */
    public static Player player(long i, int n) {
        String name = name(i);
        return new Player(key(i), name, name + "@example.com", score(i, n),
                EPOCH.plusSeconds(i * 37), COUNTRIES[(int) (i & 7)], BIO);
    }

    public static byte[] encode(Player p) {
        return WRITER.writeValueAsBytes(p);
    }

    public static Player decode(byte[] bytes) {
        return READER.readValue(bytes);
    }

    /** A cheap, deterministic walk over {@code 0..n-1} that defeats sequential locality. */
    public static int next(int previous, int n) {
        return (int) ((previous + 104_729L) % n);
    }
}

package dev.depot.tck;

import dev.depot.KeyCodec;
import dev.depot.Schema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The value types and schemas the conformance kit stores. Public so that a backend's own tests (a
 * differential test, a benchmark) can reuse them; a backend needs nothing special for them.
 */
public final class KitModel {
    private KitModel() {}

    /** UUID-keyed; String, Long (from an int) and Instant indexes. */
    public record Player(UUID id, String name, String email, int score, Instant joined) {
        public Player withScore(int newScore) {
            return new Player(id, name, email, newScore, joined);
        }

        public Player withName(String newName) {
            return new Player(id, newName, email, score, joined);
        }
    }

    /** String-keyed with a Long index; the value of the transaction and concurrency tests. */
    public record Account(String id, long balance) {}

    /** Long-keyed. */
    public record Item(Long id, String label) {}

    /** Integer-keyed with a Long index. */
    public record Counter(Integer id, long hits) {}

    /** String-keyed with a nullable String, a Double, a Boolean and a UUID index. */
    public record Doc(String id, String tag, Double ratio, Boolean flag, UUID ref) {
        public static Doc tagged(String id, String tag) {
            return new Doc(id, tag, null, null, null);
        }
    }

    /** String-keyed with a unique index on {@code email}; {@code note} is never indexed. */
    public record Member(String id, String email, String note) {}

    /** A mutable (non-record) value with a mutable list, to prove the store owns its values. */
    public static final class Note {
        private String id;
        private String text;
        private List<String> tags = new ArrayList<>();

        public Note() {}

        public Note(String id, String text, List<String> tags) {
            this.id = id;
            this.text = text;
            this.tags = new ArrayList<>(tags);
        }

        public String getId() {
            return id;
        }

        public void setId(String id) {
            this.id = id;
        }

        public String getText() {
            return text;
        }

        public void setText(String text) {
            this.text = text;
        }

        public List<String> getTags() {
            return tags;
        }

        public void setTags(List<String> tags) {
            this.tags = tags;
        }
    }

    /** Declared so that ordinal order (ZULU first) differs from name order (ALPHA first). */
    public enum Priority {
        ZULU,
        ALPHA,
        MIKE
    }

    /** A custom key type, stored and ordered by the text form {@link #SKU_CODEC} gives it. */
    public record Sku(String code) {}

    /** {@code Sku} to its code and back. */
    public static final KeyCodec<Sku> SKU_CODEC = new KeyCodec<>() {
        @Override
        public String encode(Sku key) {
            return key.code();
        }

        @Override
        public Sku decode(String text) {
            return new Sku(text);
        }
    };

    /** Keyed by a custom type; enum, float and short indexes, which widen to String, Double and Long. */
    public record Task(Sku sku, Priority priority, float weight, short rank) {}

    public static final Schema<UUID, Player> PLAYERS = Schema.of("players", UUID.class, Player.class)
            .key(Player::id)
            .index("name", String.class, Player::name)
            .index("score", Long.class, p -> (long) p.score())
            .index("joined", Instant.class, Player::joined)
            .build();

    public static final Schema<String, Account> ACCOUNTS = Schema.of("accounts", String.class, Account.class)
            .key(Account::id)
            .index("balance", Long.class, Account::balance)
            .build();

    public static final Schema<Long, Item> ITEMS = Schema.of("items", Long.class, Item.class)
            .key(Item::id)
            .index("label", String.class, Item::label)
            .build();

    public static final Schema<Integer, Counter> COUNTERS = Schema.of("counters", Integer.class, Counter.class)
            .key(Counter::id)
            .index("hits", Long.class, Counter::hits)
            .build();

    public static final Schema<String, Doc> DOCS = Schema.of("docs", String.class, Doc.class)
            .key(Doc::id)
            .index("tag", String.class, Doc::tag)
            .index("ratio", Double.class, Doc::ratio)
            .index("flag", Boolean.class, Doc::flag)
            .index("ref", UUID.class, Doc::ref)
            .build();

    public static final Schema<String, Member> MEMBERS = Schema.of("members", String.class, Member.class)
            .key(Member::id)
            .uniqueIndex("email", String.class, Member::email)
            .build();

    public static final Schema<String, Note> NOTES = Schema.of("notes", String.class, Note.class)
            .key(Note::getId)
            .index("text", String.class, Note::getText)
            .build();

    public static final Schema<Sku, Task> TASKS = Schema.of("tasks", Sku.class, Task.class)
            .key(Task::sku)
            .keyCodec(SKU_CODEC)
            .index("priority", Priority.class, Task::priority)
            .index("weight", Float.class, Task::weight)
            .index("rank", Short.class, Task::rank)
            .build();

    /** Untyped JSON documents keyed by {@code /id}. */
    public static final Schema<String, JsonNode> EVENTS = Schema.json("json_events")
            .key("/id")
            .index("score", Long.class, "/score")
            .index("kind", String.class, "/kind")
            .build();
}

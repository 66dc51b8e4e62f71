package dev.depot;

import dev.depot.spi.CollectionSpec;
import dev.depot.spi.IndexSpec;
import dev.depot.spi.IndexType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Describes a collection: its name, how to get the key from a value, its secondary indexes and the
 * codec. Built once (usually a {@code static final}) and shared; immutable and thread-safe.
 *
 * <pre>{@code
 * static final Schema<UUID, Player> PLAYERS = Schema.of("players", UUID.class, Player.class)
 *     .key(Player::id)
 *     .index("name", String.class, Player::name)
 *     .uniqueIndex("email", String.class, Player::email)
 *     .build();
 * }</pre>
 *
 * <p>Collection names match {@code [a-z][a-z0-9_]{0,62}}; index names match {@code
 * [A-Za-z][A-Za-z0-9_]{0,62}} and are unique ignoring case. Keys are {@code String}, {@code UUID},
 * {@code Long}, {@code Integer}, or any type given a {@link KeyCodec}; a key's text form is 1 to 255
 * UTF-8 bytes.
 */
public final class Schema<K, V> {
    /**
     * Most indexes a collection may declare. MariaDB allows 64 keys per table and at most 65,535
     * bytes of declared column widths per row, which 31 String index columns (512 four-byte
     * characters each) and the key fill; 30 fits every database with room to spare.
     */
    public static final int MAX_INDEXES = 30;

    private static final Pattern COLLECTION_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final Pattern INDEX_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,62}");

    private final String name;
    private final Class<K> keyClass;
    private final Class<V> valueClass;
    private final Function<V, K> keyExtractor;
    private final KeyMapping<K> keys;
    private final List<IndexDefinition<V>> indexes;
    private final Codec<V> codec;
    private final boolean immutableValues;
    /** Copies cached values of a mutable type for each reader; null when they are shared or decoded. */
    private final ValueCopier<V> copier;
    /** Makes decoded values deeply immutable ({@code frozenCollections()}); null when not asked for. */
    private final ValueFreezer<V> freezer;
    private final CollectionSpec spec;
    /** The default codec reads this type by member name: see {@link MemberOrder}. */
    private final boolean anyKeyOrder;
    /** Set once a written value decoded again (see {@code Documents}); a benign race re-checks. */
    private volatile boolean roundTripVerified;

    private Schema(Builder<K, V> b) {
        this.name = b.name;
        this.keyClass = b.keyClass;
        this.valueClass = b.valueClass;
        this.keyExtractor = b.keyExtractor;
        this.keys = KeyMapping.of(b.name, b.keyClass, b.keyCodec);
        this.indexes = List.copyOf(b.indexes);
        if (b.codec == null) {
            JsonCodec.checkReadable(b.name, b.valueClass);
        }
        this.codec = b.codec != null ? b.codec : Codec.json(b.valueClass);
        this.immutableValues = b.codec == null && DeepImmutability.check(b.valueClass);
        this.freezer = b.frozenCollections && !immutableValues ? ValueFreezer.of(b.name, b.valueClass) : null;
        this.copier = b.codec == null && !immutableValues && freezer == null ? ValueCopier.of(b.valueClass) : null;
        this.anyKeyOrder = b.codec == null && MemberOrder.irrelevant(b.valueClass);
        List<IndexSpec> specs = new ArrayList<>();
        for (IndexDefinition<V> d : indexes) {
            specs.add(new IndexSpec(d.name(), d.type(), d.unique()));
        }
        this.spec = new CollectionSpec(name, keys.keyType(), specs);
    }

    /** Starts a schema for values of {@code valueType} keyed by {@code keyType}. */
    public static <K, V> Builder<K, V> of(String name, Class<K> keyType, Class<V> valueType) {
        return new Builder<>(name, keyType, valueType);
    }

    /**
     * Starts a schema for untyped JSON documents, keyed by the text at a JSON pointer; indexes are
     * declared with {@link JsonBuilder#index(String, Class, String)}. Used by the server and by
     * dynamic tools.
     */
    public static JsonBuilder json(String name) {
        return new JsonBuilder(name);
    }

    public String name() {
        return name;
    }

    public Class<K> keyType() {
        return keyClass;
    }

    public Class<V> valueType() {
        return valueClass;
    }

    /** The declared indexes, in declaration order. */
    public List<Index> indexes() {
        return indexes.stream().map(d -> new Index(d.name(), d.type(), d.unique())).toList();
    }

    /** The key of a value. */
    public K keyOf(V value) {
        K key = keyExtractor.apply(Objects.requireNonNull(value, "value"));
        if (key == null) {
            throw new IllegalArgumentException(name + ": the key extractor returned null");
        }
        return key;
    }

    /** A declared index, for introspection. */
    public record Index(String name, IndexType type, boolean unique) {}

    // ---- package-private: used by core ----

    KeyMapping<K> keys() {
        return keys;
    }

    List<IndexDefinition<V>> indexDefinitions() {
        return indexes;
    }

    Codec<V> codec() {
        return codec;
    }

    boolean roundTripVerified() {
        return roundTripVerified;
    }

    void markRoundTripVerified() {
        roundTripVerified = true;
    }

    /** True when decoded values cannot be mutated, so one decoded instance may be shared. */
    boolean immutableValues() {
        return immutableValues;
    }

    /** The freezer of decoded values ({@code frozenCollections()}), or null: see {@code StoredValues}. */
    ValueFreezer<V> freezer() {
        return freezer;
    }

    /** The structural copier of cached values, or null: see {@code StoredValues}. */
    ValueCopier<V> copier() {
        return copier;
    }

    CollectionSpec spec() {
        return spec;
    }

    /** Whether a stored document may come back with its objects' members in another order (see {@code Write}). */
    boolean anyKeyOrder() {
        return anyKeyOrder;
    }

    int indexPosition(String field) {
        for (int i = 0; i < indexes.size(); i++) {
            if (indexes.get(i).name().equals(field)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name + ": '" + field + "' is not a declared index (declared: "
                + indexes.stream().map(IndexDefinition::name).toList() + ")");
    }

    @Override
    public String toString() {
        return "Schema[" + name + "]";
    }

    /**
     * An index with its extractor and the Java type it was declared with (an {@code Integer} index is
     * stored as {@link IndexType#LONG}; messages name what the user declared).
     */
    record IndexDefinition<V>(String name, IndexType type, boolean unique, Function<V, ?> extractor, Class<?> declared) {
        /** "index 'score' (Integer)" or "index 'score' (Integer, stored as Long)". */
        String describe() {
            String java = declared.getSimpleName();
            return "index '" + name + "' (" + java + (java.equals(type.label()) ? "" : ", stored as " + type.label()) + ")";
        }
    }

    /** Builds a {@link Schema}; every method validates its input at once. */
    public static final class Builder<K, V> {
        private final String name;
        private final Class<K> keyClass;
        private final Class<V> valueClass;
        private Function<V, K> keyExtractor;
        private KeyCodec<K> keyCodec;
        private Codec<V> codec;
        private boolean frozenCollections;
        private final List<IndexDefinition<V>> indexes = new ArrayList<>();
        private final Set<String> indexNames = new HashSet<>();

        private Builder(String name, Class<K> keyClass, Class<V> valueClass) {
            Objects.requireNonNull(name, "collection name");
            if (!COLLECTION_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid collection name '" + name
                        + "': must match [a-z][a-z0-9_]{0,62}");
            }
            this.name = name;
            this.keyClass = Objects.requireNonNull(keyClass, "key type");
            this.valueClass = Objects.requireNonNull(valueClass, "value type");
        }

        /** How to get the key of a value. Required. */
        public Builder<K, V> key(Function<V, K> extractor) {
            this.keyExtractor = Objects.requireNonNull(extractor, "key extractor");
            return this;
        }

        /** The text form of a custom key type. Not needed for String, UUID, Long and Integer keys. */
        public Builder<K, V> keyCodec(KeyCodec<K> codec) {
            this.keyCodec = Objects.requireNonNull(codec, "key codec");
            return this;
        }

        /** Replaces the default JSON codec. */
        public Builder<K, V> codec(Codec<V> valueCodec) {
            this.codec = Objects.requireNonNull(valueCodec, "codec");
            return this;
        }

        /**
         * Reads return values whose collections are unmodifiable, one instance shared by every
         * reader (on memory), instead of a structural copy per read: components declared as {@code
         * List}, {@code Collection}, {@code Set}, {@code SortedSet}, {@code NavigableSet}, {@code Map},
         * {@code SortedMap} or {@code NavigableMap}, in the value and in the records nested in it,
         * are read as the JDK's unmodifiable views (nulls, order and a sorted collection's order kept),
         * on every backend. <b>Mutating a returned collection throws {@link
         * UnsupportedOperationException}</b>: to change a value, build a new one and write it. What
         * was written is unaffected (a write encodes the value at the call).
         *
         * <p>Checked by {@link #build()}: the value type must be a record whose mutable parts are all
         * such collections (with immutable map keys) or such records; arrays, concrete collection
         * classes ({@code ArrayList} …), {@code Queue}/{@code Deque}, classes with setters and the
         * types a copy would not reproduce (CONTRACT.md §3) are refused with an {@code
         * IllegalArgumentException} naming the type and the field. A deeply immutable type is
         * shared anyway: the call changes nothing for it. With a custom {@link #codec(Codec)} what
         * the codec decodes is frozen the same way.
         */
        public Builder<K, V> frozenCollections() {
            this.frozenCollections = true;
            return this;
        }

        /** Declares a secondary index; the extractor may return null. */
        public <T> Builder<K, V> index(String indexName, Class<T> type, Function<V, ? extends T> extractor) {
            return add(indexName, type, extractor, false);
        }

        /** Declares a unique index: no two records may hold the same non-null value. */
        public <T> Builder<K, V> uniqueIndex(String indexName, Class<T> type, Function<V, ? extends T> extractor) {
            return add(indexName, type, extractor, true);
        }

        private Builder<K, V> add(String indexName, Class<?> type, Function<V, ?> extractor, boolean unique) {
            Objects.requireNonNull(indexName, "index name");
            Objects.requireNonNull(extractor, "index extractor");
            if (!INDEX_NAME.matcher(indexName).matches()) {
                throw new IllegalArgumentException(name + ": invalid index name '" + indexName
                        + "': must match [A-Za-z][A-Za-z0-9_]{0,62}");
            }
            if (!indexNames.add(indexName.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(name + ": index '" + indexName + "' is declared twice");
            }
            if (indexes.size() == MAX_INDEXES) {
                throw new IllegalArgumentException(name + ": a collection declares at most " + MAX_INDEXES
                        + " indexes (Schema.MAX_INDEXES); '" + indexName + "' would be one more");
            }
            indexes.add(new IndexDefinition<>(indexName, IndexType.of(type), unique, extractor, type));
            return this;
        }

        public Schema<K, V> build() {
            if (keyExtractor == null) {
                throw new IllegalStateException(name + ": no key extractor; call key(...)");
            }
            return new Schema<>(this);
        }
    }

    /** Builds a schema over JSON documents, with JSON-pointer extractors. */
    public static final class JsonBuilder {
        private final Builder<String, JsonNode> inner;
        private boolean hasKey;

        private JsonBuilder(String name) {
            this.inner = new Builder<>(name, String.class, JsonNode.class);
            this.inner.codec(JsonNodeCodec.INSTANCE);
        }

        /** The key is the text (or number) at {@code pointer}, for example {@code /id}. */
        public JsonBuilder key(String pointer) {
            JsonPointers.validate(pointer);
            String collection = inner.name;
            inner.key(node -> JsonPointers.keyAt(collection, node, pointer));
            hasKey = true;
            return this;
        }

        /** An index over the value at {@code pointer}, coerced to {@code type}; missing is null. */
        public JsonBuilder index(String indexName, Class<?> type, String pointer) {
            JsonPointers.validate(pointer);
            inner.add(indexName, type, node -> JsonPointers.valueAt(node, pointer), false);
            return this;
        }

        public JsonBuilder uniqueIndex(String indexName, Class<?> type, String pointer) {
            JsonPointers.validate(pointer);
            inner.add(indexName, type, node -> JsonPointers.valueAt(node, pointer), true);
            return this;
        }

        public Schema<String, JsonNode> build() {
            if (!hasKey) {
                throw new IllegalStateException(inner.name + ": no key pointer; call key(\"/id\")");
            }
            return inner.build();
        }
    }
}

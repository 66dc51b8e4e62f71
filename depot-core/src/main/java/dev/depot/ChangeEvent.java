package dev.depot;

import java.time.Instant;
import java.util.Objects;

/**
 * One committed write, as the change feed reports it. Sequences are depot-wide, increase in commit
 * order and are never reused; a transaction's events have consecutive sequences.
 *
 * @param sequence position in the feed
 * @param collection the collection written
 * @param key the record's key in its text form (see {@link KeyCodec#encode})
 * @param op what happened
 * @param version the record's version after the write (for a delete: the version it had)
 * @param time the depot clock's time at commit
 * @param origin the {@link Depot#origin() origin} of the depot that committed the write; empty for
 *     events written before origins were kept
 */
public record ChangeEvent(long sequence, String collection, String key, Op op, long version, Instant time, String origin) {

    /** Kinds of change. An upsert of an existing key is an {@code UPDATE}. */
    public enum Op {
        INSERT,
        UPDATE,
        DELETE
    }

    public ChangeEvent {
        Objects.requireNonNull(collection, "collection");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(origin, "origin");
    }

    /** An event of no known origin. */
    public ChangeEvent(long sequence, String collection, String key, Op op, long version, Instant time) {
        this(sequence, collection, key, op, version, time, "");
    }
}

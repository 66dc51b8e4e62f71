package dev.depot.spi;

import dev.depot.ConflictException;
import dev.depot.UniqueConstraintException;

/**
 * The wording of errors a backend raises itself (at commit time), shared so every backend says the
 * same thing. Messages name the collection, key and index, never a stored value; the exceptions
 * carry them as values too ({@code collection()}, {@code key()}, {@code index()}).
 */
public final class Conflicts {
    private Conflicts() {}

    /** A first-committer-wins loss on {@code key}. */
    public static ConflictException lostRace(String collection, String keyText) {
        return new ConflictException(collection + ": key " + keyText
                + " was written by another transaction that committed after this one's snapshot; nothing was applied",
                collection, keyText);
    }

    /** A unique index value already held by another key. */
    public static UniqueConstraintException unique(String collection, String keyText, String index) {
        return new UniqueConstraintException(collection + ": key " + keyText + ": unique index '" + index
                + "' already holds this value for another key", collection, keyText, index);
    }

    /** A collection opened with another key type than it is stored with (refused on every backend). */
    public static IllegalArgumentException keyTypeChanged(String collection, KeyType stored, KeyType requested) {
        return new IllegalArgumentException(collection + ": collection exists with key type " + stored
                + ", cannot open it with key type " + requested);
    }

    /** A unique index declared on a collection whose records already share one of its values. */
    public static UniqueConstraintException uniqueOnExistingRecords(String collection, String index) {
        return new UniqueConstraintException("collection '" + collection + "': cannot add unique index '" + index
                + "': existing records share a value", collection, null, index);
    }

    /** A handle (schema) used after its collection was opened with another declaration. */
    public static IllegalStateException redeclared(String collection) {
        return new IllegalStateException("collection '" + collection
                + "' was redeclared with another schema since this handle was opened; open it again");
    }
}

package dev.depot;

/**
 * The one size and shape limit on stored documents, the same on every backend. A write whose value
 * breaks one is an {@link IllegalArgumentException} naming the limit, the collection and the key, and
 * changes nothing. The JSON codec reads with exactly these limits, so whatever was written can be
 * read back.
 *
 * <ul>
 *   <li>{@link #MAX_DOCUMENT_BYTES}: the encoded document, whatever the codec: 8 MiB less 64 KiB.
 *       MariaDB's default 16 MiB packet carries the document with every quote, backslash and NUL
 *       byte escaped by the text protocol (twice its size at worst: a document of backslashes) and
 *       the rest of the statement, for which the 128 KiB left is room enough.
 *   <li>{@link #MAX_NESTING_DEPTH}: objects and arrays inside each other (JSON codec).
 *   <li>{@link #MAX_NUMBER_LENGTH}: the JSON text of one number, sign, point and exponent included;
 *       parsing longer numbers costs super-linear time (JSON codec).
 *   <li>{@link #MAX_NAME_LENGTH}: one property name or map key, in UTF-16 chars (JSON codec).
 * </ul>
 *
 * A string value is limited only by the document size.
 */
public final class DocumentLimits {
    private DocumentLimits() {}

    /** Largest encoded document: 8 MiB less 64 KiB (8,323,072 bytes). */
    public static final int MAX_DOCUMENT_BYTES = 8 * 1024 * 1024 - 64 * 1024;

    /** Deepest nesting of JSON objects and arrays. */
    public static final int MAX_NESTING_DEPTH = 500;

    /** Longest JSON number text. */
    public static final int MAX_NUMBER_LENGTH = 1000;

    /** Longest JSON property name or map key. */
    public static final int MAX_NAME_LENGTH = 50_000;
}

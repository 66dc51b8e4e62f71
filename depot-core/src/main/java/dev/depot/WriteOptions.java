package dev.depot;

import dev.depot.spi.CodePoints;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a blob is written: its content type, user metadata and an optional precondition. Immutable;
 * every method returns a new value.
 *
 * <pre>{@code
 * WriteOptions.contentType("application/pdf").metadata("owner", "ann").withIfNoneMatch()
 * }</pre>
 *
 * <p>Limits, checked when the options are built ({@link IllegalArgumentException}): content type 1 to
 * 255 printable ASCII characters; metadata keys match {@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}};
 * values are at most 1024 UTF-8 bytes without control characters or unpaired surrogates; at most
 * 8192 bytes in all.
 *
 * <p>At most one precondition: {@link #ifNoneMatch()} (create only), {@link #ifExists()} (replace
 * only, any content) or {@link #ifMatch(String)} (replace only this content). Each {@code with…}
 * precondition method replaces the one set before.
 *
 * @param contentType the media type stored with the blob
 * @param metadata user metadata stored with the blob; unmodifiable, iteration in insertion order is not
 *     promised
 * @param createOnly publish only if no blob exists at the path then ({@code If-None-Match: *})
 * @param expectedEtag publish only if the blob at the path then has this etag ({@code If-Match}), or
 *     {@code null}
 * @param replaceOnly publish only if a blob exists at the path then, whatever its etag ({@code If-Match: *})
 */
public record WriteOptions(String contentType, Map<String, String> metadata, boolean createOnly, String expectedEtag,
        boolean replaceOnly) {
    /** The content type of a blob written without one. */
    public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final int MAX_VALUE_BYTES = 1024;
    private static final int MAX_METADATA_BYTES = 8192;
    /** Longest etag a precondition may name; Depot's own are at most 36 characters. */
    static final int MAX_ETAG_LENGTH = 128;
    private static final WriteOptions DEFAULTS = new WriteOptions(DEFAULT_CONTENT_TYPE, Map.of(), false, null, false);

    public WriteOptions {
        checkContentType(contentType);
        metadata = checkMetadata(metadata);
        if ((createOnly ? 1 : 0) + (replaceOnly ? 1 : 0) + (expectedEtag != null ? 1 : 0) > 1) {
            throw new IllegalArgumentException("a write has at most one precondition: ifNoneMatch, ifExists or ifMatch");
        }
        if (expectedEtag != null) {
            checkEtag(expectedEtag);
        }
    }

    /**
     * The rule for an etag a precondition names ({@code ifMatch} here, {@link Blobs#deleteIfMatch}): 1
     * to 128 printable ASCII characters, so that an error message quoting it stays one plain line, and
     * not {@code *} (HTTP's "any", which is {@link #ifExists()}). Anything else could never match a
     * Depot etag; it is an {@link IllegalArgumentException}.
     */
    static String checkEtag(String etag) {
        Objects.requireNonNull(etag, "ifMatch etag");
        if (etag.isEmpty() || etag.length() > MAX_ETAG_LENGTH) {
            throw new IllegalArgumentException("ifMatch etag must be 1 to " + MAX_ETAG_LENGTH + " characters, not "
                    + etag.length());
        }
        for (int i = 0; i < etag.length(); i++) {
            char c = etag.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("ifMatch etag must be printable ASCII (character " + i + " is not)");
            }
        }
        if (etag.equals("*")) {
            // HTTP's If-Match: * taken as an etag would fail every time (how the server's PUT came to).
            throw new IllegalArgumentException("ifMatch etag '*' is no etag: use WriteOptions.ifExists() to replace"
                    + " whatever blob is there, delete(path) to delete it");
        }
        return etag;
    }

    /** Content type {@code application/octet-stream}, no metadata, no precondition. */
    public static WriteOptions defaults() {
        return DEFAULTS;
    }

    /** Defaults with this content type. */
    public static WriteOptions contentType(String type) {
        return DEFAULTS.withContentType(type);
    }

    /** Defaults, create only: fails with {@link PreconditionFailedException} if a blob exists at publish time. */
    public static WriteOptions ifNoneMatch() {
        return DEFAULTS.withIfNoneMatch();
    }

    /** Defaults, replace only the blob with this etag: {@link PreconditionFailedException} otherwise (also if none exists). */
    public static WriteOptions ifMatch(String etag) {
        return DEFAULTS.withIfMatch(etag);
    }

    /**
     * Defaults, replace only: fails with {@link PreconditionFailedException} if no blob exists at
     * publish time, whatever the existing blob holds ({@code If-Match: *}).
     */
    public static WriteOptions ifExists() {
        return DEFAULTS.withIfExists();
    }

    public WriteOptions withContentType(String type) {
        return new WriteOptions(type, metadata, createOnly, expectedEtag, replaceOnly);
    }

    /** These options plus one metadata entry (replacing the key's value if present). */
    public WriteOptions metadata(String key, String value) {
        Objects.requireNonNull(key, "metadata key");
        Objects.requireNonNull(value, "metadata value");
        Map<String, String> m = new LinkedHashMap<>(metadata);
        m.put(key, value);
        return new WriteOptions(contentType, m, createOnly, expectedEtag, replaceOnly);
    }

    /** These options with exactly this metadata. */
    public WriteOptions metadata(Map<String, String> entries) {
        return new WriteOptions(contentType, entries, createOnly, expectedEtag, replaceOnly);
    }

    public WriteOptions withIfNoneMatch() {
        return new WriteOptions(contentType, metadata, true, null, false);
    }

    public WriteOptions withIfMatch(String etag) {
        Objects.requireNonNull(etag, "etag");
        return new WriteOptions(contentType, metadata, false, etag, false);
    }

    public WriteOptions withIfExists() {
        return new WriteOptions(contentType, metadata, false, null, true);
    }

    /** These options without a precondition (what copies made by {@link Blobs#sync} use). */
    public WriteOptions unconditional() {
        return new WriteOptions(contentType, metadata, false, null, false);
    }

    private static void checkContentType(String type) {
        Objects.requireNonNull(type, "contentType");
        if (type.isEmpty() || type.length() > 255) {
            throw new IllegalArgumentException("content type must be 1 to 255 characters");
        }
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("content type must be printable ASCII (character " + i + " is not)");
            }
        }
    }

    private static Map<String, String> checkMetadata(Map<String, String> metadata) {
        Objects.requireNonNull(metadata, "metadata");
        int total = 0;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            String key = Objects.requireNonNull(e.getKey(), "metadata key");
            String value = Objects.requireNonNull(e.getValue(), "metadata value of " + key);
            if (!KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("invalid metadata key '" + key
                        + "': must match [A-Za-z0-9][A-Za-z0-9._-]{0,127}");
            }
            int bytes = CodePoints.utf8Length(value);
            if (bytes > MAX_VALUE_BYTES) {
                throw new IllegalArgumentException("metadata value of '" + key + "' is " + bytes
                        + " UTF-8 bytes; at most " + MAX_VALUE_BYTES);
            }
            if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("metadata value of '" + key + "' contains a control character");
            }
            if (CodePoints.hasUnpairedSurrogate(value)) {
                // Not encodable in UTF-8: SQL backends stored it as '?', memory and file: kept it (as paths, refused).
                throw new IllegalArgumentException("metadata value of '" + key + "' contains an unpaired surrogate");
            }
            total += key.length() + bytes;
        }
        if (total > MAX_METADATA_BYTES) {
            throw new IllegalArgumentException("metadata is " + total + " bytes; at most " + MAX_METADATA_BYTES);
        }
        return Map.copyOf(metadata);
    }
}

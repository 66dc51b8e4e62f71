package dev.depot;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.exc.InvalidDefinitionException;

/**
 * Values to stored documents and back, for one schema: the codec call, the {@link DocumentLimits},
 * and the wording of every codec failure (collection and key, never the value). The one place a
 * codec is called.
 */
final class Documents {
    private Documents() {}

    /**
     * Encodes a value about to be written under {@code storedKey}. Breaking a {@link DocumentLimits}
     * limit is an {@link IllegalArgumentException}; a value the codec cannot encode, or (checked on a
     * schema's first write) cannot decode again, is a {@link CodecException}.
     */
    static <V> byte[] encode(Schema<?, V> schema, Object storedKey, V value) {
        byte[] doc;
        try {
            doc = schema.codec().encode(value);
        } catch (RuntimeException e) {
            StreamConstraintsException limit = limitIn(e);
            if (limit != null) {
                throw new IllegalArgumentException(where(schema, storedKey) + ": the document breaks a limit: "
                        + limit.getOriginalMessage());
            }
            throw new CodecException(where(schema, storedKey) + ": the value cannot be encoded" + kind(e));
        }
        if (doc == null) {
            throw new CodecException(where(schema, storedKey) + ": the codec encoded the value as null");
        }
        if (doc.length > DocumentLimits.MAX_DOCUMENT_BYTES) {
            throw new IllegalArgumentException(where(schema, storedKey) + ": the document is " + doc.length
                    + " bytes, more than the limit of " + DocumentLimits.MAX_DOCUMENT_BYTES
                    + " (DocumentLimits.MAX_DOCUMENT_BYTES)");
        }
        if (!schema.roundTripVerified()) {
            // A type the codec writes but cannot read would store records nobody can get: try it once.
            try {
                schema.codec().decode(doc);
            } catch (RuntimeException e) {
                throw new CodecException(where(schema, storedKey) + ": a " + schema.valueType().getSimpleName()
                        + " can be encoded but not decoded again, so nothing was written" + kind(e));
            }
            schema.markRoundTripVerified();
        }
        return doc;
    }

    /** Decodes a stored document; any failure is a {@link CodecException} naming collection and key. */
    static <V> V decode(Schema<?, V> schema, Object storedKey, byte[] document) {
        try {
            V v = schema.codec().decode(document);
            if (v == null) {
                throw new CodecException(where(schema, storedKey) + ": the stored document decodes to null");
            }
            return v;
        } catch (CodecException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CodecException(where(schema, storedKey) + ": the stored document cannot be decoded as "
                    + schema.valueType().getSimpleName() + kind(e));
        }
    }

    /** "coll: key k", or for a document whose key is unknown (re-indexing) "coll: a stored record". */
    static String where(Schema<?, ?> schema, Object storedKey) {
        return storedKey == null ? schema.name() + ": a stored record" : schema.name() + ": key " + schema.keys().text(storedKey);
    }

    /**
     * The failure's kind, for the message: the exception type, and for a type-level problem (which
     * quotes no data) Jackson's own explanation. Data-level messages quote input and are left out.
     */
    private static String kind(RuntimeException e) {
        StreamConstraintsException limit = limitIn(e);
        if (limit != null) {
            return " (" + limit.getOriginalMessage() + ")";
        }
        if (e instanceof InvalidDefinitionException d) {
            return " (" + d.getOriginalMessage() + ")";
        }
        return " (" + e.getClass().getSimpleName() + ")";
    }

    private static StreamConstraintsException limitIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StreamConstraintsException s) {
                return s;
            }
            if (!(t instanceof JacksonException) && t != e) {
                return null;
            }
        }
        return null;
    }
}

package dev.depot;

/**
 * A value could not be turned into a document, or a stored document could not be turned back into a
 * value of the schema's type (it was written by another version of the type, or the type cannot be
 * constructed by its codec). The message names the collection, the key and the failure's kind, never
 * the value or the stored document; the codec's own exception is not attached, because codecs quote
 * the offending input.
 *
 * <p>A record that cannot be decoded makes {@code get} and any query that reaches it fail with this
 * exception; {@code exists}, {@code count} and {@code delete} do not decode and still work, so the
 * record can be removed or overwritten.
 */
public class CodecException extends DepotException {
    public CodecException(String message) {
        super(message);
    }
}

package dev.depot;

import dev.depot.spi.CodePoints;
import java.math.BigDecimal;
import java.math.BigInteger;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.util.JsonGeneratorDelegate;

/**
 * Enforces at write time the name and number lengths the parser enforces at read time (Jackson has
 * write constraints only for nesting depth), so a document that is written can always be read.
 * Checks as it writes: no second pass over the document.
 */
final class LimitedGenerator extends JsonGeneratorDelegate {
    private static final int BITS_CERTAINLY_SHORT = (int) ((DocumentLimits.MAX_NUMBER_LENGTH - 2) / Math.log10(2)) - 8;
    private static final int BITS_CERTAINLY_TOO_LONG = (int) (DocumentLimits.MAX_NUMBER_LENGTH / Math.log10(2)) + 8;

    LimitedGenerator(JsonGenerator delegate) {
        super(delegate, false);
    }

    @Override
    public JsonGenerator writeName(String name) {
        checkName(name);
        return super.writeName(name);
    }

    // writeName(SerializableString) is left alone: those are a type's property names, the same on
    // every write, and a type whose names could not be read back fails the first-write round trip.

    @Override
    public JsonGenerator writeNumber(BigInteger v) {
        // Digits are about bits * log10(2): render the text (quadratic for huge values) only near
        // the limit, where the bit length alone cannot decide.
        if (v != null && v.bitLength() > BITS_CERTAINLY_TOO_LONG) {
            throw tooLong();
        }
        if (v != null && v.bitLength() > BITS_CERTAINLY_SHORT) {
            checkNumber(v.toString().length());
        }
        return super.writeNumber(v);
    }

    @Override
    public JsonGenerator writeNumber(BigDecimal v) {
        if (v != null) {
            checkNumber((isEnabled(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN) ? v.toPlainString() : v.toString()).length());
        }
        return super.writeNumber(v);
    }

    @Override
    public JsonGenerator writeNumber(String encodedValue) {
        if (encodedValue != null) {
            checkNumber(encodedValue.length());
        }
        return super.writeNumber(encodedValue);
    }

    @Override
    public JsonGenerator writeNumber(char[] text, int offset, int len) {
        checkNumber(len);
        return super.writeNumber(text, offset, len);
    }

    private static void checkName(String name) {
        if (name.length() > DocumentLimits.MAX_NAME_LENGTH) {
            throw new StreamConstraintsException("a property name or map key is longer than "
                    + DocumentLimits.MAX_NAME_LENGTH + " chars (DocumentLimits.MAX_NAME_LENGTH)");
        }
        // Jackson writes a lone surrogate in a name as an escape its parser then refuses (string
        // values are fine): such a document could never be read, so it is not written.
        if (CodePoints.hasUnpairedSurrogate(name)) {
            throw new StreamConstraintsException("a property name or map key holds an unpaired surrogate,"
                    + " which the JSON codec cannot read back");
        }
    }

    private static void checkNumber(int length) {
        if (length > DocumentLimits.MAX_NUMBER_LENGTH) {
            throw tooLong();
        }
    }

    private static StreamConstraintsException tooLong() {
        return new StreamConstraintsException("a number is longer than " + DocumentLimits.MAX_NUMBER_LENGTH
                + " characters (DocumentLimits.MAX_NUMBER_LENGTH)");
    }
}

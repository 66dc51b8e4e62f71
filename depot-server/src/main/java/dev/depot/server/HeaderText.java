package dev.depot.server;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Metadata values in HTTP headers as UTF-8. Jetty reads header bytes as ISO-8859-1, one char per
 * byte, so a client sending {@code café} in UTF-8 would store {@code cafÃ©}; and a stored value is
 * written back one byte per char. Incoming text whose bytes are valid UTF-8 is read as UTF-8 (plain
 * ASCII is unchanged; Latin-1 text that is not valid UTF-8 stays as it came), and outgoing text
 * goes out as its UTF-8 bytes — so a value makes the round trip through headers, the JSON listing
 * and the Java API alike.
 */
final class HeaderText {
    private HeaderText() {}

    /** The value a client meant, from the chars Jetty made of its bytes. */
    static String decode(String latin1) {
        if (latin1 == null) {
            return null;
        }
        boolean ascii = true;
        for (int i = 0; i < latin1.length(); i++) {
            char ch = latin1.charAt(i);
            if (ch > 0xff) {
                return latin1; // not bytes: leave it
            }
            ascii &= ch < 0x80;
        }
        if (ascii) {
            return latin1;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1)))
                    .toString();
        } catch (CharacterCodingException e) {
            return latin1;
        }
    }

    /** The chars that make Jetty send the value's UTF-8 bytes. */
    static String encode(String value) {
        if (value.chars().allMatch(c -> c < 0x80)) {
            return value;
        }
        return new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }
}

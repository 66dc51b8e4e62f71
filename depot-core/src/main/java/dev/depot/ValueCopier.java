package dev.depot;

import java.util.Arrays;

/**
 * The structural copier of one schema's value type: built once (see {@link CopierBuilder}), it
 * copies a cached decoded instance so that each reader gets its own, without decoding. Before its
 * first copy is handed out it is checked once against a decode: the copy must encode to the same
 * bytes as a freshly decoded value; if not (a constructor that is not idempotent, say), the copier
 * is switched off for good and reads decode.
 */
final class ValueCopier<V> {
    private static final int UNVERIFIED = 0;
    private static final int VERIFIED = 1;
    private static final int OFF = 2;

    private final Class<V> type;
    private final Copier root;
    private volatile int state = UNVERIFIED;

    private ValueCopier(Class<V> type, Copier root) {
        this.type = type;
        this.root = root;
    }

    /** The copier of {@code type}, or null when its values are shared whole or must be decoded. */
    static <V> ValueCopier<V> of(Class<V> type) {
        Copier root = CopierBuilder.forType(type);
        return root == null || root == Copier.SHARE ? null : new ValueCopier<>(type, root);
    }

    boolean on() {
        return state != OFF;
    }

    boolean verified() {
        return state == VERIFIED;
    }

    /** A copy of {@code source}, or null when this value's runtime shape is not one the copier knows. */
    V copy(Object source) {
        try {
            return type.cast(root.copy(source));
        } catch (Uncopyable e) {
            return null;
        }
    }

    /**
     * True when {@code copy} encodes exactly as {@code fresh}, a value decoded from the same
     * document; the first answer decides for good (a benign race may check twice).
     */
    boolean verify(V copy, V fresh, Codec<V> codec) {
        boolean same;
        try {
            same = Arrays.equals(codec.encode(copy), codec.encode(fresh));
        } catch (RuntimeException e) {
            same = false;
        }
        state = same ? VERIFIED : OFF;
        return same;
    }

    @Override
    public String toString() {
        return "ValueCopier[" + type.getName() + "]";
    }
}

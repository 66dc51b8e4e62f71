package dev.depot;

/**
 * Recognises the JDK's unmodifiable collections and maps ({@code List.of}, {@code List.copyOf},
 * {@code Collections.emptyList()}, {@code Collections.unmodifiableList(...)}...), which a record's
 * compact constructor often makes. Inside a cached value nobody can reach their contents to change
 * them (the cached instance is never handed out), so with immutable elements they are shared.
 */
final class JdkUnmodifiable {
    private JdkUnmodifiable() {}

    static boolean is(Class<?> c) {
        String n = c.getName();
        return n.startsWith("java.util.ImmutableCollections$")
                || n.startsWith("java.util.Collections$Unmodifiable")
                || n.startsWith("java.util.Collections$Empty")
                || n.startsWith("java.util.Collections$Singleton");
    }
}

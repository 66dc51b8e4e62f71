package dev.depot;

import java.util.Objects;

/**
 * A typed handle on a declared index, so the compiler checks the values of a condition:
 *
 * <pre>{@code
 * static final Index<Long> SCORE = Index.of("score", Long.class);
 * players.query().where(Q.where(SCORE).between(10L, 100L)).list();
 * }</pre>
 *
 * <p>The handle names the index; whether it is declared on the queried collection is checked when
 * the condition is added to a query, as for {@link Q#field(String)}.
 *
 * @param name the index name, as declared in the {@link Schema}
 * @param type the Java type of the index values
 * @param <T> the Java type of the index values
 */
public record Index<T>(String name, Class<T> type) {
    public Index {
        Objects.requireNonNull(name, "index name");
        Objects.requireNonNull(type, "index type");
    }

    /** A handle on the index {@code name} whose values are of {@code type}. */
    public static <T> Index<T> of(String name, Class<T> type) {
        return new Index<>(name, type);
    }
}

package dev.depot;

/**
 * Makes a decoded value of a {@code frozenCollections()} schema deeply immutable: its declared
 * collection and map components (nested records' too) become unmodifiable, so one instance may be
 * shared by every reader. Built once per schema by {@link CopierBuilder#freezerFor}, with the same
 * type analysis as the structural copier; applied to every decode on every backend (see {@code
 * StoredValues}), so a value read from memory and one read from SQL behave alike.
 */
final class ValueFreezer<V> {
    private final Class<V> type;
    private final Copier root;

    private ValueFreezer(Class<V> type, Copier root) {
        this.type = type;
        this.root = root;
    }

    /**
     * The freezer of {@code type} for schema {@code collection}.
     *
     * @throws IllegalArgumentException naming the collection, type and field when part of the type
     *     cannot be made unmodifiable
     */
    static <V> ValueFreezer<V> of(String collection, Class<V> type) {
        try {
            return new ValueFreezer<>(type, CopierBuilder.freezerFor(type));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(collection + ": frozenCollections(): " + e.getMessage(), e);
        }
    }

    /** {@code decoded} with unmodifiable collections; takes nothing from it that a caller could reach. */
    V freeze(V decoded) {
        return type.cast(root.copy(decoded));
    }

    @Override
    public String toString() {
        return "ValueFreezer[" + type.getName() + "]";
    }
}

package dev.depot;

import java.lang.invoke.MethodHandle;

/**
 * Freezes a record: reads each component, freezes it, and builds a new record through the canonical
 * constructor (handles composed once by {@link CopierBuilder}). A canonical constructor may replace
 * what it is given ({@code this.tags = new ArrayList<>(tags)} would undo the freezing and let one
 * reader's change reach every other); so each frozen component is read back, and one that is
 * neither what was passed nor a JDK unmodifiable collection fails the read with an error naming the
 * record and component, rather than handing out a shared mutable part.
 */
final class FrozenRecord implements Copier {
    private final Class<?> type;
    /** {@code (Object[] components)Object}: the canonical constructor. */
    private final MethodHandle constructor;
    /** {@code (Object record)Object}, one per component. */
    private final MethodHandle[] reads;
    private final Copier[] freezers;
    private final String[] names;

    FrozenRecord(Class<?> type, MethodHandle constructor, MethodHandle[] reads, Copier[] freezers, String[] names) {
        this.type = type;
        this.constructor = constructor;
        this.reads = reads;
        this.freezers = freezers;
        this.names = names;
    }

    @Override
    public Object copy(Object value) {
        if (value == null) {
            return null;
        }
        if (value.getClass() != type) {
            throw new IllegalStateException("frozenCollections(): expected a " + type.getName() + ", the codec gave a "
                    + value.getClass().getName());
        }
        try {
            Object[] parts = new Object[reads.length];
            for (int i = 0; i < parts.length; i++) {
                Object part = (Object) reads[i].invokeExact(value);
                parts[i] = freezers[i] == SHARE ? part : freezers[i].copy(part);
            }
            Object frozen = (Object) constructor.invokeExact(parts);
            for (int i = 0; i < parts.length; i++) {
                if (freezers[i] != SHARE) {
                    Object kept = (Object) reads[i].invokeExact(frozen);
                    if (kept != parts[i] && kept != null && !JdkUnmodifiable.is(kept.getClass())) {
                        throw new IllegalStateException("frozenCollections(): the constructor of " + type.getName()
                                + " replaced the unmodifiable '" + names[i] + "' with a " + kept.getClass().getName()
                                + "; keep the collection given (or List.copyOf it) or drop frozenCollections()");
                    }
                }
            }
            return frozen;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("frozenCollections(): could not rebuild a " + type.getName(), e);
        }
    }
}

package dev.depot;

import java.lang.invoke.MethodHandle;

/**
 * Copies a record or a mutable class through one method handle composed once per type by {@link
 * CopierBuilder} (read each field, copy it, construct); HotSpot customises and compiles a hot handle,
 * so a copy costs about what hand-written code would. A subclass where the class was declared is
 * {@link Uncopyable}; so is a constructor or field copy that throws.
 */
final class ObjectCopier implements Copier {
    private final Class<?> type;
    /** {@code (Object source)Object copy}. */
    private final MethodHandle copy;

    ObjectCopier(Class<?> type, MethodHandle copy) {
        this.type = type;
        this.copy = copy;
    }

    @Override
    public Object copy(Object value) {
        if (value == null) {
            return null;
        }
        if (value.getClass() != type) {
            throw Uncopyable.INSTANCE;
        }
        try {
            return (Object) copy.invokeExact(value);
        } catch (Uncopyable | Error e) {
            throw e;
        } catch (Throwable e) {
            throw Uncopyable.INSTANCE; // a constructor refused the copy: the read decodes instead
        }
    }
}

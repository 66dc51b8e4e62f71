package dev.depot;

/**
 * Signal that a value has a runtime shape its {@link Copier} was not built for (a list class it
 * does not know, a subclass where a class was declared). Never reaches users: the read decodes the
 * stored document instead. One shared instance without a stack trace, since it is control flow.
 */
final class Uncopyable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    static final Uncopyable INSTANCE = new Uncopyable();

    private Uncopyable() {
        super("the value has a shape its copier was not built for", null, false, false);
    }
}

package dev.depot.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;

/**
 * A view of a prepared statement whose parameter setters are moved by a fixed offset, so that code
 * binding one row at fixed positions ({@link Feed#bindEvent}: parameters 2..7) can bind the n-th
 * row of a statement with many, without a second copy of that binding. Only {@code set*(int, ...)}
 * calls are moved; nothing else may be called on the view.
 */
final class ShiftedParameters implements InvocationHandler {
    private final PreparedStatement target;
    private final int offset;

    private ShiftedParameters(PreparedStatement target, int offset) {
        this.target = target;
        this.offset = offset;
    }

    /** {@code ps} with parameter {@code i} set by {@code set*(i, ...)} on the result landing at {@code i + offset}. */
    static PreparedStatement of(PreparedStatement ps, int offset) {
        return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, new ShiftedParameters(ps, offset));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (!method.getName().startsWith("set") || args == null || args.length < 2 || !(args[0] instanceof Integer i)) {
            throw new UnsupportedOperationException("only parameter setters are shifted, not " + method.getName());
        }
        Object[] moved = args.clone();
        moved[0] = i + offset;
        try {
            return method.invoke(target, moved);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}

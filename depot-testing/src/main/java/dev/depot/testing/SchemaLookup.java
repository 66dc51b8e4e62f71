package dev.depot.testing;

import dev.depot.Schema;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.ParameterResolutionException;

/**
 * Finds the {@link Schema} for an injected {@code Records<K, V>} parameter: the one static final
 * {@code Schema<K, V>} field, among the test class, its enclosing classes, their superclasses and the classes named in
 * {@link DepotTest#schemas()}, whose type arguments are exactly the parameter's. Runs once per
 * parameter resolution, in test setup only.
 */
final class SchemaLookup {
    private SchemaLookup() {}

    static Schema<?, ?> find(Type recordsType, Class<?> testClass, Class<?>[] extra) {
        if (!(recordsType instanceof ParameterizedType p)) {
            throw new ParameterResolutionException(
                    "@DepotTest injects Records<K, V> only with its type arguments, e.g. Records<UUID, Player>");
        }
        Type[] wanted = p.getActualTypeArguments();
        Set<Class<?>> holders = new LinkedHashSet<>();
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            for (Class<?> s = c; s != null && s != Object.class; s = s.getSuperclass()) {
                holders.add(s); // a schema declared in an abstract base test serves its subclasses
            }
        }
        holders.addAll(List.of(extra));
        List<Field> matches = new ArrayList<>();
        for (Class<?> holder : holders) {
            for (Field f : holder.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == Schema.class
                        && f.getGenericType() instanceof ParameterizedType ft
                        && java.util.Arrays.equals(ft.getActualTypeArguments(), wanted)) {
                    matches.add(f);
                }
            }
        }
        String shape = "Schema<" + wanted[0].getTypeName() + ", " + wanted[1].getTypeName() + ">";
        if (matches.isEmpty()) {
            throw new ParameterResolutionException("no static " + shape + " field in " + names(holders)
                    + "; declare one there or name its class in @DepotTest(schemas = ...)");
        }
        if (matches.size() > 1) {
            throw new ParameterResolutionException("several static " + shape + " fields (" + fieldNames(matches)
                    + "); inject the Depot and call depot.records(schema) instead");
        }
        Field f = matches.get(0);
        try {
            f.setAccessible(true);
            return (Schema<?, ?>) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ParameterResolutionException("cannot read " + fieldNames(matches), e);
        }
    }

    private static String names(Set<Class<?>> classes) {
        return classes.stream().map(Class::getSimpleName).toList().toString();
    }

    private static String fieldNames(List<Field> fields) {
        return fields.stream().map(f -> f.getDeclaringClass().getSimpleName() + "." + f.getName()).toList().toString();
    }
}

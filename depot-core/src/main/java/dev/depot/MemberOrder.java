package dev.depot;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Decides, once per schema, whether the JSON codec reads a type's objects <em>by member name</em>:
 * a document whose objects list the same members in another order decodes to an equal value. True
 * for records whose components are scalars (primitives, boxed primitives, strings, enums, UUIDs,
 * java.time values, big numbers, byte arrays), such records, and lists, sets, arrays and optionals of
 * them, with no Jackson annotation that could change how members are read (only naming and
 * inclusion annotations are allowed). False for anything whose decoded value can show the order:
 * maps (a {@code LinkedHashMap} keeps it), {@code JsonNode}, {@code Object}, interfaces and abstract
 * types, classes that are not records, custom deserializers, any-setters, creators.
 *
 * <p>A backend that stores JSON in a form that sorts keys (PostgreSQL's {@code jsonb}) may give such
 * a collection its documents back in that order instead of keeping the codec's exact bytes; see
 * {@link dev.depot.spi.CollectionSpec#membersByName()}.
 */
final class MemberOrder {
    private static final Set<Class<?>> SCALARS = Set.of(
            String.class, Boolean.class, Character.class, Byte.class, Short.class, Integer.class, Long.class,
            Float.class, Double.class, UUID.class, Instant.class, LocalDate.class, LocalDateTime.class,
            LocalTime.class, OffsetDateTime.class, ZonedDateTime.class, Duration.class, BigDecimal.class,
            BigInteger.class, byte[].class);
    /** Jackson annotations that only name, include or format members: reading stays by name. */
    private static final Set<String> NAMING = Set.of("JsonProperty", "JsonIgnore", "JsonIgnoreProperties", "JsonInclude",
            "JsonFormat", "JsonAlias", "JsonPropertyOrder", "JsonPropertyDescription", "JsonClassDescription");

    private MemberOrder() {}

    /** Whether the default JSON codec decodes {@code type} the same whatever its objects' member order. */
    static boolean irrelevant(Class<?> type) {
        return irrelevant(type, new HashSet<>());
    }

    private static boolean irrelevant(Type type, Set<Class<?>> seen) {
        if (type instanceof Class<?> c) {
            if (c.isPrimitive() || SCALARS.contains(c)) {
                return true;
            }
            if (c.isEnum()) {
                return plain(c);
            }
            if (c.isArray()) {
                return irrelevant(c.getComponentType(), seen);
            }
            return c.isRecord() && record(c, seen);
        }
        if (type instanceof GenericArrayType a) {
            return irrelevant(a.getGenericComponentType(), seen);
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw
                && (raw == List.class || raw == Set.class || raw == Collection.class || raw == Optional.class)) {
            return irrelevant(p.getActualTypeArguments()[0], seen);
        }
        return false; // maps, type variables, wildcards, raw collections: the value may show the order
    }

    private static boolean record(Class<?> c, Set<Class<?>> seen) {
        if (!seen.add(c)) {
            return true; // a recursive reference: decided by the other components
        }
        if (!plain(c)) {
            return false;
        }
        for (var k : c.getDeclaredConstructors()) {
            if (!plain(k)) {
                return false;
            }
        }
        for (var m : c.getDeclaredMethods()) {
            if (!plain(m)) {
                return false;
            }
        }
        for (var f : c.getDeclaredFields()) {
            if (!plain(f)) {
                return false;
            }
        }
        for (RecordComponent rc : c.getRecordComponents()) {
            if (!plain(rc) || !irrelevant(rc.getGenericType(), seen)) {
                return false;
            }
        }
        return true;
    }

    /** No Jackson annotation but naming and inclusion ones. */
    private static boolean plain(AnnotatedElement e) {
        for (Annotation a : e.getDeclaredAnnotations()) {
            Class<? extends Annotation> t = a.annotationType();
            String pkg = t.getPackageName();
            boolean jackson = pkg.startsWith("com.fasterxml.jackson") || pkg.startsWith("tools.jackson");
            if (jackson && !NAMING.contains(t.getSimpleName())) {
                return false;
            }
        }
        return true;
    }
}

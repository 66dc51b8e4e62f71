package dev.depot;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Decides, once per schema, whether values of a type are deeply immutable: a record whose
 * components are primitives, boxed primitives, strings, enums, common immutable value types, or
 * such records. One decoded instance of such a type can be shared by every reader without breaking
 * isolation, which spares a decode per read. Collections and arrays are never assumed immutable.
 */
final class DeepImmutability {
    private static final Set<Class<?>> LEAVES = Set.of(
            String.class, Boolean.class, Character.class, Byte.class, Short.class, Integer.class, Long.class,
            Float.class, Double.class, UUID.class, Instant.class, LocalDate.class, LocalDateTime.class,
            LocalTime.class, OffsetDateTime.class, ZonedDateTime.class, Duration.class, BigDecimal.class,
            BigInteger.class);

    private DeepImmutability() {}

    static boolean check(Class<?> type) {
        return check(type, new HashSet<>());
    }

    private static boolean check(Class<?> type, Set<Class<?>> seen) {
        if (type.isPrimitive() || type.isEnum() || LEAVES.contains(type)) {
            return true;
        }
        if (!type.isRecord()) {
            return false;
        }
        if (!seen.add(type)) {
            return true; // recursive reference: decided by the other components
        }
        for (RecordComponent c : type.getRecordComponents()) {
            if (!check(c.getType(), seen)) {
                return false;
            }
        }
        return true;
    }
}

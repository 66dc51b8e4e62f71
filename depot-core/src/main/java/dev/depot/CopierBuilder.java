package dev.depot;

import java.lang.annotation.Annotation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans, once per value type, how to copy its values structurally, or decides it cannot (and the
 * reads of that type decode). Conservative on purpose: whatever it is not sure a field-by-field
 * copy reproduces exactly what a decode would give is refused, namely
 * <ul>
 *   <li>declared types that are {@code Object}, type variables, wildcards, interfaces or abstract
 *       classes other than the collection and map interfaces (polymorphic values);</li>
 *   <li>Jackson annotations other than the few that only rename, order or skip properties
 *       ({@code @JsonTypeInfo}, {@code @JsonIdentityInfo}, {@code @JsonCreator}, custom
 *       (de)serializers and the like change the shape, share references or make cycles);</li>
 *   <li>a type that contains itself (a graph could hold a cycle), generic records and classes, JDK
 *       classes that are not known immutable leaves or collections, maps with mutable keys;</li>
 *   <li>mutable classes without a no-argument constructor, with a final instance field, or not
 *       open to this library (a module that does not open its package).</li>
 * </ul>
 * Records are copied through their canonical constructor from their fields; mutable classes by their
 * no-argument constructor and then field by field (the fields, not the setters: the cached source
 * already holds what the setters made of the document).
 *
 * <p>The same analysis builds the <em>freezer</em> of a schema with {@code frozenCollections()}
 * ({@link #freezerFor}): collections declared as {@code List}/{@code Collection}/{@code Set}/{@code
 * SortedSet}/{@code NavigableSet}/{@code Map}/{@code SortedMap}/{@code NavigableMap} become
 * unmodifiable ({@link FrozenCollection}, {@link FrozenMap}), records are rebuilt around them
 * ({@link FrozenRecord}); what cannot be made unmodifiable (arrays, concrete collection classes,
 * {@code Queue}/{@code Deque}, mutable classes) or is refused above is refused with its reason and
 * the field it was found in.
 */
final class CopierBuilder {
    /** Jackson annotations that rename, order or skip properties: a decoded instance still copies faithfully. */
    private static final Set<String> HARMLESS_JACKSON = Set.of("JsonProperty", "JsonIgnore", "JsonIgnoreProperties",
            "JsonInclude", "JsonPropertyOrder", "JsonAlias", "JsonFormat", "JsonPropertyDescription", "JsonClassDescription");

    private final Set<Class<?>> inProgress = new HashSet<>();
    /** Builds a freezer (unmodifiable collections, shared result) instead of a copier. */
    private final boolean freeze;

    private CopierBuilder(boolean freeze) {
        this.freeze = freeze;
    }

    /** A copier for values of {@code type}, or null when values of it must be decoded instead. */
    static Copier forType(Class<?> type) {
        try {
            return new CopierBuilder(false).build(type);
        } catch (Refused | ReflectiveOperationException | RuntimeException e) {
            return null; // when unsure, decode: a type Java reflection cannot fully see is not copied
        }
    }

    /**
     * The freezer of {@code type}: a copier whose result has unmodifiable collections and may be
     * shared ({@link Copier#SHARE} when the type is deeply immutable already).
     *
     * @throws IllegalArgumentException naming the type, the field and the reason when some part of
     *     the type cannot be made unmodifiable
     */
    static Copier freezerFor(Class<?> type) {
        try {
            return new CopierBuilder(true).build(type);
        } catch (Refused e) {
            throw new IllegalArgumentException("cannot freeze " + type.getName()
                    + (e.where == null ? "" : ", at " + e.where) + ": " + e.getMessage());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("cannot freeze " + type.getName() + ": its parts are not accessible to "
                    + "Depot (" + e.getClass().getSimpleName() + "); open its package or drop frozenCollections()");
        }
    }

    /** This type cannot be copied (or frozen) safely; the message says why, {@code where} names the field. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private String where;

        Refused(String reason) {
            super(reason, null, false, false);
        }

        /** Names the innermost field the refusal was found in; outer fields keep it. */
        Refused at(Class<?> owner, String field, Type declared) {
            if (where == null) {
                where = owner.getName() + "." + field + " (" + declared.getTypeName() + ")";
            }
            return this;
        }
    }

    private Copier build(Type t) throws Refused, ReflectiveOperationException {
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw) && args.length == 1 && knownCollection(raw)) {
                if (freeze) {
                    FrozenCollection.Kind kind = FrozenCollection.kindOf(raw);
                    if (kind == null) {
                        throw new Refused(raw.getSimpleName() + (raw.isInterface() ? " has no unmodifiable view in the JDK"
                                : " is a concrete class an unmodifiable collection cannot stand in for")
                                + "; declare List, Set, SortedSet or NavigableSet");
                    }
                    return new FrozenCollection(kind, build(args[0]));
                }
                return new CollectionCopier(build(args[0]));
            }
            if (Map.class.isAssignableFrom(raw) && args.length == 2 && knownMap(raw)) {
                if (build(args[0]) != Copier.SHARE) {
                    throw new Refused("map keys must be immutable leaves (strings, numbers, UUIDs, enums...)");
                }
                if (freeze) {
                    if (!raw.isInterface()) {
                        throw new Refused(raw.getSimpleName() + " is a concrete class an unmodifiable map cannot "
                                + "stand in for; declare Map, SortedMap or NavigableMap");
                    }
                    return new FrozenMap(raw != Map.class, build(args[1]));
                }
                return new MapCopier(build(args[1]));
            }
            // a generic record or class: its fields' types depend on the arguments
            throw new Refused("generic types other than the JDK collections and maps are not supported");
        }
        if (!(t instanceof Class<?> c)) {
            throw new Refused("type variables, wildcards and generic arrays are polymorphic");
        }
        if (c.isPrimitive() || c.isEnum() || DeepImmutability.check(c)) {
            return Copier.SHARE;
        }
        if (c.isArray()) {
            if (freeze) {
                throw new Refused("arrays cannot be made unmodifiable; declare a List instead");
            }
            Class<?> component = c.getComponentType();
            return new ArrayCopier(c, component.isPrimitive() ? Copier.SHARE : build(component));
        }
        if (c.isInterface() || Modifier.isAbstract(c.getModifiers()) || c.getTypeParameters().length > 0
                || c.getName().startsWith("java.") || c.getName().startsWith("javax.") || c.getName().startsWith("jdk.")
                || c.getName().startsWith("tools.jackson.") || c.getName().startsWith("com.fasterxml.jackson.")
                || c.isAnonymousClass() || c.isLocalClass() || (c.isMemberClass() && !Modifier.isStatic(c.getModifiers()))) {
            throw new Refused(c.getName() + " is polymorphic, raw generic, a JDK or Jackson class not known to be "
                    + "immutable, or a local or inner class");
        }
        if (!inProgress.add(c)) {
            throw new Refused(c.getName() + " contains itself (a value could hold a cycle)");
        }
        try {
            checkAnnotations(c);
            if (c.isRecord()) {
                return record(c);
            }
            if (freeze) {
                throw new Refused(c.getName() + " is a mutable class (setters, non-final fields) and stays mutable; "
                        + "make it a record");
            }
            return mutableClass(c);
        } finally {
            inProgress.remove(c);
        }
    }

    private static boolean knownCollection(Class<?> raw) {
        return raw.isInterface() ? raw == Collection.class || raw == List.class || raw == Set.class
                || raw == java.util.SortedSet.class || raw == java.util.NavigableSet.class
                || raw == java.util.Queue.class || raw == java.util.Deque.class
                : raw == ArrayList.class || raw == HashSet.class || raw == java.util.LinkedHashSet.class
                        || raw == java.util.TreeSet.class || raw == java.util.LinkedList.class
                        || raw == java.util.ArrayDeque.class;
    }

    private static boolean knownMap(Class<?> raw) {
        return raw == Map.class || raw == java.util.SortedMap.class || raw == java.util.NavigableMap.class
                || raw == java.util.HashMap.class || raw == java.util.LinkedHashMap.class || raw == java.util.TreeMap.class;
    }

    private static void checkAnnotations(Class<?> c) throws Refused {
        List<AnnotatedElement> elements = new ArrayList<>();
        elements.add(c);
        elements.addAll(List.of(c.getDeclaredFields()));
        elements.addAll(List.of(c.getDeclaredMethods()));
        elements.addAll(List.of(c.getDeclaredConstructors()));
        if (c.isRecord()) {
            elements.addAll(List.of(c.getRecordComponents()));
        }
        for (AnnotatedElement e : elements) {
            for (Annotation a : e.getDeclaredAnnotations()) {
                String pkg = a.annotationType().getPackageName();
                boolean jackson = pkg.startsWith("com.fasterxml.jackson") || pkg.startsWith("tools.jackson");
                if (jackson && !HARMLESS_JACKSON.contains(a.annotationType().getSimpleName())) {
                    throw new Refused(c.getName() + " has @" + a.annotationType().getSimpleName()
                            + ", which may change the shape of a decoded value");
                }
            }
        }
    }

    /** {@code source -> new R(copy(source.c1), ..., copy(source.cn))}, read from the fields. */
    private Copier record(Class<?> c) throws Refused, ReflectiveOperationException {
        RecordComponent[] components = c.getRecordComponents();
        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
        if (freeze) {
            return frozenRecord(c, components, lookup);
        }
        Class<?>[] types = new Class<?>[components.length];
        MethodHandle[] reads = new MethodHandle[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent rc = components[i];
            types[i] = rc.getType();
            reads[i] = copying(lookup.findGetter(c, rc.getName(), rc.getType()), component(c, rc), rc.getType());
        }
        MethodHandle constructor = lookup.findConstructor(c, MethodType.methodType(void.class, types));
        MethodHandle all = MethodHandles.filterArguments(constructor, 0, reads); // (R, R, ... R)R
        MethodHandle one = MethodHandles.permuteArguments(all, MethodType.methodType(c, c), new int[components.length]);
        return new ObjectCopier(c, one.asType(MethodType.methodType(Object.class, Object.class)));
    }

    private Copier component(Class<?> c, RecordComponent rc) throws Refused, ReflectiveOperationException {
        try {
            return build(rc.getGenericType());
        } catch (Refused e) {
            throw e.at(c, rc.getName(), rc.getGenericType());
        }
    }

    /**
     * {@code source -> new R(freeze(source.c1), ..., freeze(source.cn))}, with the constructor and
     * the field reads as handles; {@link Copier#SHARE} when no component needs freezing.
     */
    private Copier frozenRecord(Class<?> c, RecordComponent[] components, MethodHandles.Lookup lookup)
            throws Refused, ReflectiveOperationException {
        Class<?>[] types = new Class<?>[components.length];
        MethodHandle[] reads = new MethodHandle[components.length];
        Copier[] freezers = new Copier[components.length];
        boolean any = false;
        for (int i = 0; i < components.length; i++) {
            RecordComponent rc = components[i];
            types[i] = rc.getType();
            freezers[i] = component(c, rc);
            any |= freezers[i] != Copier.SHARE;
            reads[i] = lookup.findGetter(c, rc.getName(), rc.getType())
                    .asType(MethodType.methodType(Object.class, Object.class));
        }
        if (!any) {
            return Copier.SHARE;
        }
        MethodHandle constructor = lookup.findConstructor(c, MethodType.methodType(void.class, types))
                .asSpreader(Object[].class, components.length)
                .asType(MethodType.methodType(Object.class, Object[].class));
        String[] names = new String[components.length];
        for (int i = 0; i < components.length; i++) {
            names[i] = components[i].getName();
        }
        return new FrozenRecord(c, constructor, reads, freezers, names);
    }

    /** {@code source -> { T t = new T(); t.f1 = copy(source.f1); ...; return t; }}, over the class and its superclasses. */
    private Copier mutableClass(Class<?> c) throws Refused, ReflectiveOperationException {
        MethodHandle constructor = MethodHandles.privateLookupIn(c, MethodHandles.lookup())
                .findConstructor(c, MethodType.methodType(void.class));
        // (T target, T source)T: the field assignments, run in order, returning target
        MethodHandle assign = MethodHandles.dropArguments(MethodHandles.identity(c), 1, c);
        for (Class<?> k = c; k != Object.class; k = k.getSuperclass()) {
            if (k != c) {
                if (k.getName().startsWith("java.") || k.getName().startsWith("javax.") || k.getTypeParameters().length > 0) {
                    throw new Refused(c.getName() + " extends a JDK or generic class");
                }
                checkAnnotations(k);
            }
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(k, MethodHandles.lookup());
            for (Field f : k.getDeclaredFields()) {
                int m = f.getModifiers();
                if (Modifier.isStatic(m)) {
                    continue;
                }
                if (Modifier.isFinal(m) || f.isSynthetic()) {
                    throw new Refused(k.getName() + "." + f.getName() + " is final or synthetic");
                }
                MethodHandle read = copying(lookup.findGetter(k, f.getName(), f.getType()), build(f.getGenericType()), f.getType())
                        .asType(MethodType.methodType(f.getType(), c));
                MethodHandle write = lookup.findSetter(k, f.getName(), f.getType())
                        .asType(MethodType.methodType(void.class, c, f.getType()));
                MethodHandle step = MethodHandles.filterArguments(write, 1, read); // (T target, T source)void
                assign = MethodHandles.foldArguments(assign, step);
            }
        }
        MethodHandle create = MethodHandles.dropArguments(constructor, 0, c); // (T source)T
        MethodHandle copy = MethodHandles.foldArguments(assign, create);       // (T source)T
        return new ObjectCopier(c, copy.asType(MethodType.methodType(Object.class, Object.class)));
    }

    private static final MethodHandle COPY;

    static {
        try {
            COPY = MethodHandles.lookup().findVirtual(Copier.class, "copy", MethodType.methodType(Object.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@code read} followed by {@code copier} (nothing for a shared leaf), typed as {@code read}. */
    private static MethodHandle copying(MethodHandle read, Copier copier, Class<?> type) {
        if (copier == Copier.SHARE) {
            return read;
        }
        MethodHandle copy = COPY.bindTo(copier).asType(MethodType.methodType(type, type));
        return MethodHandles.filterReturnValue(read, copy);
    }
}

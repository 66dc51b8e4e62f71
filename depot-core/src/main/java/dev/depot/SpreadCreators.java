package dev.depot;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.deser.ValueInstantiators;
import tools.jackson.databind.deser.std.StdValueInstantiator;
import tools.jackson.databind.introspect.AnnotatedConstructor;

/**
 * Calls a bean's creator constructor through a method handle spread once per type. Jackson (3.0)
 * calls a constructor of two or more parameters — every record's — with {@code
 * MethodHandle.invokeWithArguments}, which builds and interns a method type on each call: an eighth of
 * the time of decoding a small record. Everything else about the instantiator is Jackson's, and a
 * constructor that throws is reported exactly as Jackson reports it.
 */
final class SpreadCreators implements ValueInstantiators {
    @Override
    public ValueInstantiator findValueInstantiator(DeserializationConfig config, BeanDescription.Supplier beanDesc) {
        return null;
    }

    @Override
    public ValueInstantiator modifyValueInstantiator(DeserializationConfig config, BeanDescription.Supplier beanDesc,
            ValueInstantiator found) {
        if (found.getClass() != StdValueInstantiator.class || !found.canCreateFromObjectWith()
                || !(((StdValueInstantiator) found).getWithArgsCreator() instanceof AnnotatedConstructor creator)
                || creator.getParameterCount() < 2) {
            return found;
        }
        Constructor<?> c = creator.getAnnotated();
        try {
            MethodHandle spread = MethodHandles.lookup().unreflectConstructor(c)
                    .asSpreader(Object[].class, c.getParameterCount())
                    .asType(MethodType.methodType(Object.class, Object[].class));
            return new Spread((StdValueInstantiator) found, spread);
        } catch (IllegalAccessException | RuntimeException e) {
            return found; // not accessible to us (a module that does not open it): Jackson's own call
        }
    }

    /** Jackson's instantiator, creating with arguments through the spread handle. */
    private static final class Spread extends StdValueInstantiator {
        private final MethodHandle spread;

        Spread(StdValueInstantiator base, MethodHandle spread) {
            super(base);
            this.spread = spread;
        }

        @Override
        public Object createFromObjectWith(DeserializationContext ctxt, Object[] args) throws JacksonException {
            try {
                return (Object) spread.invokeExact(args);
            } catch (Exception e) {
                return ctxt.handleInstantiationProblem(_valueClass, args, rewrapCtorProblem(ctxt, e));
            } catch (Throwable t) {
                throw Spread.<RuntimeException>sneaky(t); // an Error (or a bare Throwable) passes, as in Jackson's call
            }
        }

        @SuppressWarnings("unchecked")
        private static <T extends Throwable> T sneaky(Throwable t) throws T {
            throw (T) t;
        }
    }
}

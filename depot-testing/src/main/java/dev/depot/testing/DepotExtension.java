package dev.depot.testing;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Records;
import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link DepotTest}: resolves {@link Depot}, {@link TestClock} and
 * {@code Records<K, V>} parameters with one depot and one clock per test method, and closes the
 * depot when the test ends (through JUnit's store, so it closes even when the test fails).
 */
public final class DepotExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DepotExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Depot.class || type == TestClock.class || type == Records.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (context.getTestMethod().isEmpty()) {
            throw new ParameterResolutionException(
                    "@DepotTest injects a Depot per test method: declare it on a @Test or @BeforeEach method, not a constructor or @BeforeAll");
        }
        OpenDepot open = context.getStore(NAMESPACE).getOrComputeIfAbsent(OpenDepot.class,
                k -> OpenDepot.start(url(context)), OpenDepot.class);
        Class<?> type = parameter.getParameter().getType();
        if (type == Records.class) {
            Class<?>[] extra = annotation(context).map(DepotTest::schemas).orElse(new Class<?>[0]);
            return open.depot().records(SchemaLookup.find(
                    parameter.getParameter().getParameterizedType(), context.getRequiredTestClass(), extra));
        }
        return type == Depot.class ? open.depot() : open.clock();
    }

    private static String url(ExtensionContext context) {
        return TestUrl.resolve(annotation(context).map(DepotTest::url));
    }

    private static Optional<DepotTest> annotation(ExtensionContext context) {
        Optional<DepotTest> onMethod = context.getTestMethod().flatMap(m -> find(m));
        return onMethod.or(() -> context.getTestClass().flatMap(DepotExtension::findOnClass));
    }

    /** On the class, else on the classes a {@code @Nested} (inner) class sits in: nested tests run where their outer ones do. */
    private static Optional<DepotTest> findOnClass(Class<?> type) {
        for (Class<?> c = type; c != null; c = java.lang.reflect.Modifier.isStatic(c.getModifiers()) ? null : c.getEnclosingClass()) {
            Optional<DepotTest> found = find(c);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<DepotTest> find(AnnotatedElement element) {
        return AnnotationSupport.findAnnotation(element, DepotTest.class);
    }

    /** A depot and its clock, closed by JUnit when the test's store closes; {@code dropUrl} names tables to drop then. */
    record OpenDepot(Depot depot, TestClock clock, String dropUrl) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        static OpenDepot start(String url) {
            TestClock clock = new TestClock();
            if (FreshPrefix.applies(url)) {
                // A shared SQL database: tables of this test's own, dropped when it ends.
                String own = FreshPrefix.apply(url);
                try {
                    return new OpenDepot(Depot.open(own, DepotOptions.defaults().clock(clock)), clock, own);
                } catch (RuntimeException e) {
                    dropQuietly(own, e);
                    throw e;
                }
            }
            Depot depot = Depot.open(url, DepotOptions.defaults().clock(clock));
            if (!url.equals("memory:")) {
                depot.clear(); // another shared backend (memory:NAME, file:): start every test empty
            }
            return new OpenDepot(depot, clock, null);
        }

        @Override
        public void close() {
            try {
                depot.close();
            } finally {
                if (dropUrl != null) {
                    FreshPrefix.drop(dropUrl);
                }
            }
        }

        private static void dropQuietly(String url, RuntimeException failure) {
            try {
                FreshPrefix.drop(url);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }
}

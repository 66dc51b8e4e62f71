package dev.depot.jdbc;

import java.lang.reflect.Modifier;
import java.util.Map;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.opentest4j.TestAbortedException;

/**
 * A jqwik property class that runs on one database (the differential tests): its name and URL,
 * resolved once into {@link #urls()} before its properties run.
 */
abstract class DatabaseProperties {
    /** The backend's name. */
    abstract String name();

    /** The backend's URL; skips (JUnit assumption) when its server does not answer. */
    abstract String url();

    /** Where the property class keeps each database's resolved URL, by name. */
    abstract Map<String, String> urls();

    /** Resolves each database's URL once, before its properties; a database that does not answer skips them. */
    static final class SkipWithoutDatabase implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            Class<?> c = context.optionalContainerClass().orElse(null);
            if (c == null || !DatabaseProperties.class.isAssignableFrom(c) || Modifier.isAbstract(c.getModifiers())) {
                return SkipResult.doNotSkip();
            }
            DatabaseProperties p = (DatabaseProperties) context.newInstance(c);
            try {
                p.urls().computeIfAbsent(p.name(), n -> p.url());
                return SkipResult.doNotSkip();
            } catch (TestAbortedException e) {
                return SkipResult.skip(e.getMessage());
            }
        }
    }

    /**
     * Runs a property as many times as asked ({@code -Ddepot.differential.tries=N}, else {@code deep}
     * with {@code depot.deep=true}, else {@code ci}), then prints what {@code report} says of that
     * number, how long it took and how it ended.
     */
    static PropertyExecutionResult counted(PropertyLifecycleContext context, PropertyExecutor property, int ci, int deep,
            java.util.function.IntFunction<String> report) {
        int tries = Integer.getInteger("depot.differential.tries", Boolean.getBoolean("depot.deep") ? deep : ci);
        context.attributes().setTries(tries);
        long start = System.nanoTime();
        PropertyExecutionResult result = property.execute();
        System.out.printf("%s, %.1f s, %s%n", report.apply(tries), (System.nanoTime() - start) / 1e9, result.status());
        return result;
    }
}

package dev.depot.jdbc;

import java.lang.reflect.Modifier;
import java.util.Map;
import net.jqwik.api.lifecycle.LifecycleContext;
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
}

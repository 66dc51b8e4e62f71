package dev.depot.spring.test;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.test.autoconfigure.TestSliceTestContextBootstrapper;

/**
 * Boots a {@link DepotSpringTest} context with {@code depot.url} set to the test depot ({@code
 * depot.test.url}, else {@code DEPOT_TEST_URL}, else {@code memory:}) before the annotation's own
 * properties, which may override it.
 */
class DepotSpringTestContextBootstrapper extends TestSliceTestContextBootstrapper<DepotSpringTest> {
    static final String TEST_URL = "depot.url=${depot.test.url:${DEPOT_TEST_URL:memory:}}";

    @Override
    protected String[] getProperties(Class<?> testClass) {
        String[] own = super.getProperties(testClass);
        List<String> all = new ArrayList<>();
        all.add(TEST_URL);
        if (own != null) {
            all.addAll(List.of(own));
        }
        return all.toArray(String[]::new);
    }
}

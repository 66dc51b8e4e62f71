package dev.depot.spring.test;

import dev.depot.Depot;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Empties the context's depot before each test method, so tests that share a cached context never
 * see each other's records.
 */
public class ClearDepotTestExecutionListener extends AbstractTestExecutionListener {

    @Override
    public void beforeTestMethod(TestContext testContext) {
        testContext.getApplicationContext().getBeanProvider(Depot.class).ifUnique(Depot::clear);
    }

    @Override
    public int getOrder() {
        return 2500; // after dependency injection (2000), before transactional listeners (4000)
    }
}

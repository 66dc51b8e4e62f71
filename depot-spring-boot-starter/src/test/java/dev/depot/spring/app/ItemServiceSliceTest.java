package dev.depot.spring.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.spring.test.DepotSpringTest;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;

/** The test slice, used as the README shows: only Depot plus the imported service. */
@DepotSpringTest
@Import(ItemService.class)
class ItemServiceSliceTest {
    @Autowired
    ItemService service;

    @Autowired
    Depot depot;

    @Autowired
    ApplicationContext context;

    @Test
    void adds() { // the README's example
        service.add("sku-1", "bolt", 3);
        assertThat(depot.records(Item.ITEMS).count()).isEqualTo(1);
    }

    @RepeatedTest(2)
    void eachTestStartsFromAnEmptyDepot() {
        assertThat(depot.records(Item.ITEMS).count()).isZero();
        service.add("sku-1", "bolt", 3);
        assertThat(service.find("sku-1")).isPresent();
    }

    @Test
    void bootsOnlyDepotOnAPrivateMemoryStore() {
        if (System.getProperty("depot.test.url") == null && System.getenv("DEPOT_TEST_URL") == null) {
            assertThat(depot.toString()).isEqualTo("Depot[memory:]");
        }
        assertThat(context.getBeanNamesForType(ReportJob.class)).as("scanned components stay out").isEmpty();
        assertThat(context.getBeanNamesForType(InventoryApp.class)).hasSize(1);
    }
}

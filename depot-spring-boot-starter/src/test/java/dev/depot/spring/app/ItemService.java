package dev.depot.spring.app;

import dev.depot.Depot;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Retry;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** The application's use of Depot, injected like any repository. */
@Service
public class ItemService {
    private final Depot depot;
    private final Records<String, Item> items;

    public ItemService(Depot depot) {
        this.depot = depot;
        this.items = depot.records(Item.ITEMS);
    }

    public void add(String sku, String name, long stock) {
        items.insert(new Item(sku, name, stock));
    }

    public Optional<Item> find(String sku) {
        return items.get(sku);
    }

    public List<Item> lowStock(long below) {
        return items.query().where(Q.field("stock").lt(below)).list();
    }

    public void take(String sku, long count) {
        depot.transact(Retry.onConflict(3), tx -> {
            Records<String, Item> inTx = tx.records(Item.ITEMS);
            Item item = inTx.get(sku).orElseThrow();
            return inTx.update(new Item(sku, item.name(), item.stock() - count));
        });
    }
}

package dev.depot.spring.app;

import dev.depot.Schema;

/** What the inventory keeps. */
public record Item(String sku, String name, long stock) {
    public static final Schema<String, Item> ITEMS = Schema.of("items", String.class, Item.class)
            .key(Item::sku)
            .index("stock", Long.class, Item::stock)
            .build();
}

package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Capability;
import dev.depot.Direction;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.UniqueConstraintException;
import dev.depot.tck.KitModel.Account;
import dev.depot.tck.KitModel.Item;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Changing a collection's declaration: new indexes are backfilled, a unique index the data violates
 * changes nothing, a key type change is refused. Each test owns its collection name, so that a
 * persistent backend can run the suite again over its own leftovers.
 */
abstract class SchemaTests extends FeatureTests {
    private static final List<Account> ACCOUNTS = List.of(
            new Account("a", 1), new Account("b", 2), new Account("c", 2), new Account("d", 4));

    SchemaTests(DepotConformanceSuite suite) {
        super(suite);
    }

    private static Schema.Builder<String, Account> accountsIn(String collection) {
        return Schema.of(collection, String.class, Account.class).key(Account::id);
    }

    @Test
    void aNewIndexIsBackfilledFromTheStoredRecords() {
        Schema<String, Account> v1 = accountsIn("evolve_add").index("balance", Long.class, Account::balance).build();
        depot().records(v1).saveAll(ACCOUNTS);

        Schema<String, Account> v2 = accountsIn("evolve_add")
                .index("balance", Long.class, Account::balance)
                .index("even", Boolean.class, a -> a.balance() % 2 == 0)
                .build();
        Records<String, Account> evolved = depot().records(v2);

        assertThat(map(evolved.query().where(Q.field("even").eq(true)).list(), Account::id)).containsExactly("b", "c", "d");
        assertThat(map(evolved.query().where(Q.field("balance").eq(2)).list(), Account::id)).containsExactly("b", "c");
        evolved.insert(new Account("e", 6));
        assertThat(evolved.query().where(Q.field("even").eq(true)).count()).isEqualTo(4);
    }

    @Test
    void aDroppedIndexLeavesTheRecordsReadable() {
        Schema<String, Account> v1 = accountsIn("evolve_drop").index("balance", Long.class, Account::balance).build();
        depot().records(v1).saveAll(ACCOUNTS);

        Records<String, Account> plain = depot().records(accountsIn("evolve_drop").build());

        assertThat(plain.query().list()).containsExactlyElementsOf(ACCOUNTS);
        assertThatThrownBy(() -> plain.query().where(Q.field("balance").eq(2))).isInstanceOf(IllegalArgumentException.class);
        assertThat(plain.update(new Account("a", 10))).isEqualTo(2);
    }

    @Test
    void aUniqueIndexThatTheDataViolatesChangesNothing() {
        assumeCapability(Capability.UNIQUE_INDEXES);
        Schema<String, Account> v1 = accountsIn("evolve_unique").index("balance", Long.class, Account::balance).build();
        depot().records(v1).saveAll(ACCOUNTS);
        Schema<String, Account> unique = accountsIn("evolve_unique")
                .uniqueIndex("balance", Long.class, Account::balance)
                .build();

        assertThatThrownBy(() -> depot().records(unique).count()).isInstanceOf(UniqueConstraintException.class);

        Records<String, Account> original = depot().records(v1);
        assertThat(original.query().list()).containsExactlyElementsOf(ACCOUNTS);
        assertThat(original.query().where(Q.field("balance").eq(2)).count()).isEqualTo(2);
        original.insert(new Account("e", 2));
        assertThat(original.query().where(Q.field("balance").eq(2)).count()).isEqualTo(3);
    }

    @Test
    void aUniqueIndexThatTheDataSatisfiesIsEnforcedFromThenOn() {
        assumeCapability(Capability.UNIQUE_INDEXES);
        Schema<String, Account> v1 = accountsIn("evolve_unique_ok").build();
        depot().records(v1).saveAll(List.of(new Account("a", 1), new Account("b", 2)));
        Records<String, Account> unique = depot().records(accountsIn("evolve_unique_ok")
                .uniqueIndex("balance", Long.class, Account::balance)
                .build());

        assertThatThrownBy(() -> unique.insert(new Account("c", 2))).isInstanceOf(UniqueConstraintException.class);
        assertThat(unique.query().where(Q.field("balance").eq(1)).list()).containsExactly(new Account("a", 1));
    }

    @Test
    void anIndexChangingTypeIsRebuilt() {
        Schema<String, Account> asNumber = accountsIn("evolve_type").index("b", Long.class, Account::balance).build();
        depot().records(asNumber).saveAll(ACCOUNTS);

        Records<String, Account> asText = depot().records(accountsIn("evolve_type")
                .index("b", String.class, a -> "v" + a.balance())
                .build());

        assertThat(map(asText.query().where(Q.field("b").eq("v2")).list(), Account::id)).containsExactly("b", "c");
        assertThat(map(asText.query().orderBy("b", Direction.DESC).list(), Account::id)).containsExactly("d", "b", "c", "a");
        assertThatThrownBy(() -> asText.query().where(Q.field("b").eq(2))).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * One index name declared in four ways, then back: each declaration is taken and answers from the
     * stored records (a SQL backend keeps the columns of the others for processes still running with
     * them, and once refused a third).
     */
    @Test
    void anIndexNameCanBeRedeclaredInManyWays() {
        Schema<String, Account> asNumber = accountsIn("evolve_many").index("b", Long.class, Account::balance).build();
        depot().records(asNumber).saveAll(ACCOUNTS);
        Schema<String, Account> asText = accountsIn("evolve_many").index("b", String.class, a -> "v" + a.balance()).build();
        Schema<String, Account> asDouble = accountsIn("evolve_many").index("b", Double.class, a -> a.balance() / 2.0).build();
        Schema<String, Account> asFlag = accountsIn("evolve_many").index("b", Boolean.class, a -> a.balance() > 1).build();

        assertThat(map(depot().records(asText).query().where(Q.field("b").eq("v2")).list(), Account::id)).containsExactly("b", "c");
        assertThat(map(depot().records(asDouble).query().where(Q.field("b").gt(0.5)).list(), Account::id))
                .containsExactly("b", "c", "d");
        Records<String, Account> flags = depot().records(asFlag);
        assertThat(map(flags.query().where(Q.field("b").eq(false)).list(), Account::id)).containsExactly("a");
        flags.insert(new Account("e", 0));
        Records<String, Account> numbers = depot().records(asNumber);
        assertThat(map(numbers.query().where(Q.field("b").lt(2)).list(), Account::id)).containsExactly("a", "e");
        assertThat(map(depot().records(asText).query().where(Q.field("b").eq("v0")).list(), Account::id)).containsExactly("e");
    }

    @Test
    void changingTheKeyTypeIsRefused() {
        depot().records(accountsIn("evolve_key").build()).save(new Account("a", 1));
        Schema<Long, Item> longKeys = Schema.of("evolve_key", Long.class, Item.class).key(Item::id).build();

        assertThatThrownBy(() -> depot().records(longKeys).count()).isInstanceOf(IllegalArgumentException.class);
        assertThat(depot().records(accountsIn("evolve_key").build()).get("a")).contains(new Account("a", 1));
    }

    /**
     * Declaring a collection anew inside a transaction of the same thread that has used it is refused
     * at once, alike on every backend (on SQL the change would wait for the table that transaction
     * holds; memory refuses it too, so a test passing in memory does not hang on a database); the
     * transaction goes on with its declaration, and one that has not used the collection may declare it.
     */
    @Test
    void redeclaringInsideATransactionThatUsedTheCollectionIsRefusedAndChangesNothing() {
        assumeCapability(Capability.TRANSACTIONS);
        Schema<String, Account> v1 = accountsIn("evolve_in_tx").build();
        Schema<String, Account> v2 = accountsIn("evolve_in_tx").index("balance", Long.class, Account::balance).build();
        depot().records(v1).saveAll(ACCOUNTS);

        Account seen = depot().transact(tx -> {
            Account a = tx.records(v1).get("a").orElseThrow();
            assertThatThrownBy(() -> tx.records(v2)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("collection 'evolve_in_tx'").hasMessageContaining("nothing was changed");
            assertThatThrownBy(() -> depot().records(v2)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("collection 'evolve_in_tx'");
            tx.records(v1).save(new Account("e", 2)); // the transaction goes on with its declaration
            return a;
        });

        assertThat(seen).isEqualTo(new Account("a", 1));
        // Nothing was redeclared: v1's handle is not stale, and a query by the refused index is refused.
        Records<String, Account> plain = depot().records(v1);
        assertThat(plain.get("e")).contains(new Account("e", 2));
        assertThatThrownBy(() -> plain.query().where(Q.field("balance").eq(2))).isInstanceOf(IllegalArgumentException.class);
        // A transaction that has not used the collection may declare it; the backfill sees every record.
        depot().inTransaction(tx -> tx.records(v2).save(new Account("f", 2)));
        assertThat(map(depot().records(v2).query().where(Q.field("balance").eq(2)).list(), Account::id))
                .containsExactly("b", "c", "e", "f");
    }

    /**
     * Writers keep writing through the declaration they opened while another thread adds one index
     * after another (each declaration once, never back, so nothing refills an index afterwards): every
     * write either committed — and then every index finds it — or was refused as stale, naming the
     * collection, and left nothing. Before, on SQL, a transaction that committed after a change's
     * backfill wrote its rows in the old layout, and the new index missed them for good. Auto-commit
     * inserts and transactions alike.
     */
    @Test
    void writesRacingRedeclarationsAreIndexedOrRefused() throws InterruptedException {
        assumeCapability(Capability.TRANSACTIONS);
        int declarations = 6;
        List<Schema<String, Account>> versions = new java.util.ArrayList<>();
        for (int k = 0; k <= declarations; k++) {
            Schema.Builder<String, Account> b = accountsIn("evolve_race");
            for (int j = 0; j < k; j++) {
                b.index("b" + j, Long.class, Account::balance);
            }
            versions.add(b.build());
        }
        java.util.concurrent.atomic.AtomicInteger latest = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.Semaphore attempts = new java.util.concurrent.Semaphore(0);
        java.util.concurrent.atomic.AtomicBoolean declared = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.Map<String, Long> acknowledged = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger tried = new java.util.concurrent.atomic.AtomicInteger();
        depot().records(versions.get(0)).clear(); // a persistent backend runs the kit again over its leftovers
        int writers = 3;
        Concurrently.run(writers + 1, thread -> {
            if (thread == writers) {
                for (int k = 1; k <= declarations; k++) {
                    try {
                        // Let the writers go on for a while with the declaration before.
                        assertThat(attempts.tryAcquire(4, HANG_GUARD.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    latest.set(k); // first: a writer refused from now on reopens with this one
                    depot().records(versions.get(k)); // declares it (a writer may have already)
                }
                declared.set(true);
                return;
            }
            int version = latest.get();
            Records<String, Account> handle = depot().records(versions.get(version));
            for (int i = 0; i < 400 && (i < 10 || !declared.get()); i++) {
                Account a = new Account("w" + thread + "-" + i, 1000L * thread + i);
                tried.incrementAndGet();
                try {
                    if (i % 2 == 0) {
                        handle.insert(a);
                    } else {
                        // The newest declaration (opening an older one would declare it back).
                        Schema<String, Account> mine = versions.get(latest.get());
                        depot().inTransaction(tx -> {
                            Records<String, Account> rows = tx.records(mine);
                            rows.insert(a);
                            rows.count(); // keeps the transaction open a little longer
                        });
                    }
                    acknowledged.put(a.id(), a.balance());
                } catch (IllegalStateException e) {
                    assertThat(e).hasMessageContaining("evolve_race");
                    refused.incrementAndGet();
                    version = latest.get();
                    handle = depot().records(versions.get(version));
                } finally {
                    attempts.release();
                }
            }
        });

        Records<String, Account> now = depot().records(versions.get(declarations));
        List<Account> all = now.query().list();
        assertThat(map(all, Account::id)).as("acknowledged writes, and only those").containsExactlyInAnyOrderElementsOf(acknowledged.keySet());
        for (Account a : all) {
            assertThat(a.balance()).isEqualTo(acknowledged.get(a.id()));
            for (int j = 0; j < declarations; j++) {
                assertThat(map(now.query().where(Q.field("b" + j).eq(a.balance())).list(), Account::id))
                        .as("index b%d's entry of %s", j, a.id()).containsExactly(a.id());
            }
        }
        assertThat(acknowledged.size() + refused.get()).as("each write acknowledged or refused").isEqualTo(tried.get());
    }
}

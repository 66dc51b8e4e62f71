package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.ChangeEvent;
import dev.depot.Depot;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Retry;
import dev.depot.Schema;
import dev.depot.Subscription;
import dev.depot.UniqueConstraintException;
import dev.depot.VersionConflictException;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What a role with DML grants only must be able to do on tables made beforehand from
 * {@link JdbcDepots#ddl} (what {@code depot schema --print} prints): open with {@code ddl=validate},
 * write, read, query, run transactions and follow the change feed. Shared by the PostgreSQL and
 * MariaDB modules, which make the role their own way.
 */
public final class DmlOnlyScenario {
    public record Account(String id, String owner, String email, long balance) {}

    public record Transfer(long id, String from, String to, long amount) {}

    public static final Schema<String, Account> ACCOUNTS = Schema.of("accounts", String.class, Account.class).key(Account::id)
            .index("owner", String.class, Account::owner)
            .uniqueIndex("email", String.class, Account::email)
            .index("balance", Long.class, Account::balance)
            .build();
    public static final Schema<Long, Transfer> TRANSFERS = Schema.of("transfers", Long.class, Transfer.class).key(Transfer::id)
            .index("source", String.class, Transfer::from).build();

    private DmlOnlyScenario() {}

    /** Applies the printed DDL as the owner, one statement at a time, as a migration tool would. */
    public static void applyDdl(Connection owner, String ownerUrl) throws Exception {
        try (Statement st = owner.createStatement()) {
            for (String sql : JdbcDepots.ddl(ownerUrl, ACCOUNTS, TRANSFERS)) {
                st.execute(sql);
            }
        }
    }

    /** Every table the DDL made (what the role is granted DML on). */
    public static List<String> tables(Connection owner, String prefix) throws Exception {
        return TestDatabases.tables(owner, prefix);
    }

    /** Runs the depot as the DML-only role ({@code roleUrl} carries the prefix) and checks every part works. */
    public static void run(String roleUrl) throws Exception {
        assertThatThrownBy(() -> {
            try (Depot d = Depot.open(roleUrl)) {
                d.records(Schema.of("extra", String.class, Account.class).key(Account::id).build());
            }
        }).as("ddl=create needs CREATE rights, which the role lacks").isInstanceOf(RuntimeException.class);
        try (Depot depot = Depot.open(roleUrl + "&ddl=validate")) {
            exercise(depot);
        }
    }

    /**
     * The same through an application's HikariCP pool logged in as the role (the issue's "existing
     * DataSource and a role without CREATE rights"), on tables of {@code prefix}.
     */
    public static void runOnPool(String roleUrl, String prefix) throws Exception {
        JdbcSettings s = JdbcSettings.parse(dev.depot.spi.DepotUrl.parse(roleUrl), dev.depot.DepotOptions.defaults());
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(s.jdbcUrl());
        config.setUsername(s.user());
        config.setMaximumPoolSize(4);
        try (com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config)) {
            try (Depot depot = JdbcDepots.open(pool, "tablePrefix=" + prefix + "&ddl=validate", dev.depot.DepotOptions.defaults())) {
                exercise(depot);
            }
            assertThat(pool.isClosed()).as("the pool is the application's").isFalse();
        }
    }

    private static void exercise(Depot depot) throws Exception {
        Records<String, Account> accounts = depot.records(ACCOUNTS);
        Records<Long, Transfer> transfers = depot.records(TRANSFERS);

        CountDownLatch seen = new CountDownLatch(4);
        List<ChangeEvent> followed = new CopyOnWriteArrayList<>();
        try (Subscription sub = depot.changes().subscribe(0, e -> {
            followed.add(e);
            seen.countDown();
        })) {
            long v = accounts.insert(new Account("a", "ann", "ann@example.com", 100));
            accounts.insert(new Account("b", "bob", "bob@example.com", 10));
            assertThatThrownBy(() -> accounts.insert(new Account("c", "cy", "ann@example.com", 0)))
                    .isInstanceOf(UniqueConstraintException.class).hasMessageContaining("email");
            accounts.update(new Account("a", "ann", "ann@example.com", 90), v);
            assertThatThrownBy(() -> accounts.update(new Account("a", "ann", "ann@example.com", 80), v))
                    .isInstanceOf(VersionConflictException.class);

            depot.transact(Retry.onConflict(3), tx -> {
                var acc = tx.records(ACCOUNTS);
                Account from = acc.get("a").orElseThrow();
                Account to = acc.get("b").orElseThrow();
                acc.save(new Account(from.id(), from.owner(), from.email(), from.balance() - 40));
                acc.save(new Account(to.id(), to.owner(), to.email(), to.balance() + 40));
                tx.records(TRANSFERS).insert(new Transfer(1L, "a", "b", 40));
                return null;
            });

            assertThat(accounts.query().where(Q.field("balance").eq(50)).list()).extracting(Account::id).containsExactly("a", "b");
            assertThat(accounts.query().where(Q.field("owner").startsWith("b")).list()).extracting(Account::balance)
                    .containsExactly(50L);
            assertThat(transfers.query().where(Q.field("source").eq("a")).list()).hasSize(1);
            accounts.delete("b");
            assertThat(accounts.get("b")).isEmpty();
            assertThat(accounts.count()).isEqualTo(1);

            List<ChangeEvent> events = depot.changes().since(0);
            assertThat(events).extracting(e -> e.collection() + "/" + e.key() + "@" + e.version())
                    .containsExactly("accounts/a@1", "accounts/b@1", "accounts/a@2", "accounts/a@3", "accounts/b@2",
                            "transfers/1@1", "accounts/b@2");
            assertThat(events.get(6).op().toString()).as("the last is b's deletion").containsIgnoringCase("delete");
            assertThat(seen.await(30, TimeUnit.SECONDS)).as("the subscription follows the feed").isTrue();
            assertThat(followed.get(0).key()).isEqualTo("a");
        }
    }
}

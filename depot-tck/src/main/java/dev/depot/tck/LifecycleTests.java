package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.depot.Capability;
import dev.depot.ChangeFeed;
import dev.depot.Depot;
import dev.depot.DepotStats;
import dev.depot.Health;
import dev.depot.Q;
import dev.depot.Query;
import dev.depot.Records;
import dev.depot.tck.KitModel.Account;
import dev.depot.tck.KitModel.Member;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Clearing, stats, health, capabilities that match behaviour, closing, and hidden credentials. */
abstract class LifecycleTests extends FeatureTests {

    LifecycleTests(DepotConformanceSuite suite) {
        super(suite);
    }

    @Test
    void clearEmptiesEveryCollectionAndTheFeed() {
        players().insert(player("Ann", 1));
        accounts().insert(account("a", 1));
        items().insert(new KitModel.Item(1L, "x"));

        depot().clear();

        assertThat(players().count()).isZero();
        assertThat(accounts().count()).isZero();
        assertThat(items().query().list()).isEmpty();
        assertThat(eventsAfter(0)).isEmpty();
        assertThat(accounts().insert(account("a", 2))).as("the key is free again").isEqualTo(1);
    }

    @Test
    void statsCountRecordsPerCollection() {
        players().insert(player("Ann", 1));
        players().insert(player("Bob", 2));
        players().insert(player("Cid", 3));
        accounts().insert(account("a", 1));
        accounts().insert(account("b", 1));
        accounts().delete("b");

        DepotStats stats = depot().stats();

        assertThat(stats.backend()).isNotBlank();
        assertThat(stats.records()).containsEntry("players", 3L).containsEntry("accounts", 1L);
        assertThat(stats.approximateHeapBytes()).isGreaterThanOrEqualTo(-1);
        if (has(Capability.CHANGE_FEED)) {
            assertThat(stats.changeEvents()).isEqualTo(eventsAfter(0).size());
        }
        depot().clear();
        assertThat(depot().stats().records().getOrDefault("players", 0L)).isZero();
    }

    @Test
    void healthIsUpOnAnOpenDepot() {
        Health health = depot().health();

        assertThat(health.up()).as("health: %s", health).isTrue();
        assertThat(health.backend()).isEqualTo(depot().stats().backend());
        assertThat(health.latency().isNegative()).isFalse();
    }

    @Test
    void capabilitiesDeclareRecords() {
        assertThat(depot().capabilities().has(Capability.RECORDS)).isTrue();
    }

    @Test
    void declaredCapabilitiesMatchBehaviour() {
        assertMatchesDeclaration(Capability.TRANSACTIONS, () -> depot().transact(tx -> null));
        assertMatchesDeclaration(Capability.CHANGE_FEED, () -> depot().changes().since(0));
        assertMatchesDeclaration(Capability.UNIQUE_INDEXES,
                () -> depot().records(KitModel.MEMBERS).insert(new Member("m", "e", "n")));
        assertMatchesDeclaration(Capability.BLOBS, () -> depot().blobs("kit").exists("x"));
    }

    /** A declared capability works; a missing one fails loudly with UnsupportedOperationException. */
    private void assertMatchesDeclaration(Capability capability, ThrowingCallable use) {
        if (has(capability)) {
            assertThatCode(use).as("declared %s", capability).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(use).as("undeclared %s", capability).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void aClosedDepotRefusesEveryCallAndClosingAgainIsHarmless() {
        Depot second = fixture().open(clock());
        Records<String, Account> early = second.records(KitModel.ACCOUNTS);
        early.save(account("closing", 1));
        Query<Account> earlyQuery = early.query().where(Q.field("balance").ge(0));
        ChangeFeed earlyFeed = has(Capability.CHANGE_FEED) ? second.changes() : null;

        second.close();
        assertThatCode(second::close).doesNotThrowAnyException();

        Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
        calls.put("records()", () -> second.records(KitModel.ACCOUNTS));
        calls.put("get", () -> early.get("closing"));
        calls.put("insert", () -> early.insert(account("after-close", 1)));
        calls.put("count", early::count);
        calls.put("query list", earlyQuery::list);
        calls.put("query count", earlyQuery::count);
        calls.put("clear", second::clear);
        calls.put("stats", second::stats);
        calls.put("transact", () -> second.transact(tx -> null));
        calls.put("migrate", () -> second.migrate(dev.depot.Migration.of("001-a", tx -> {})));
        calls.put("migrations", second::migrations);
        calls.put("changes", second::changes);
        calls.put("capabilities", second::capabilities);
        if (earlyFeed != null) {
            calls.put("since", () -> earlyFeed.since(0));
            calls.put("subscribe", () -> earlyFeed.subscribe(0, e -> {}));
        }
        calls.forEach((name, call) -> assertThat(catchThrowable(call))
                .as("%s after close", name)
                .isInstanceOf(IllegalStateException.class));
        assertThatCode(second::health).as("health never throws").doesNotThrowAnyException();
        assertThat(second.health().up()).isFalse();
        assertThat(accounts().exists("after-close")).isFalse();
    }

    @Test
    void credentialsNeverShowInTextOrMessages() {
        List<String> texts = new ArrayList<>(List.of(depot().toString(), String.valueOf(depot().health()),
                String.valueOf(depot().stats())));
        try (Depot other = fixture().open(clock())) {
            texts.add(other.toString());
        }
        assertThat(texts).allMatch(t -> !t.isBlank());
        fixture().credential().ifPresent(secret -> assertThat(texts).noneMatch(t -> t.contains(secret)));
    }

    @Test
    void anUnknownSchemeListsTheKnownOnesAndHidesThePassword() {
        assertThatThrownBy(() -> Depot.open("nosuchdb://admin:hunter2@localhost:1234/db?password=hunter2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nosuchdb")
                .hasMessageContaining("memory")
                .hasMessageNotContaining("hunter2");
    }
}

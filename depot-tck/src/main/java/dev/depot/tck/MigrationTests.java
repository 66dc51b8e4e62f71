package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.AppliedMigration;
import dev.depot.Migration;
import dev.depot.MigrationFailedException;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.tck.KitModel.Account;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link dev.depot.Depot#migrate}: each migration applied at most once per depot, in list order,
 * atomically with its ledger line, also under concurrent migrators.
 */
abstract class MigrationTests extends FeatureTests {
    MigrationTests(DepotConformanceSuite suite) {
        super(suite);
    }

    /** As CONTRACT §4b advises: schemas a step uses are declared before migrating. */
    @BeforeEach
    void declareTheCollectionsTheStepsUse() {
        accounts();
    }

    /** A migration adding {@code amount} to account {@code id} (created at 0 if absent). */
    private static Migration deposit(String migrationId, String id, long amount) {
        return Migration.of(migrationId, tx -> {
            Records<String, Account> accounts = tx.records(KitModel.ACCOUNTS);
            long balance = accounts.get(id).map(Account::balance).orElse(0L);
            accounts.save(new Account(id, balance + amount));
        });
    }

    private List<String> appliedIds() {
        return map(depot().migrations(), AppliedMigration::id);
    }

    @Test
    void migrationsApplyOnceInListOrderAndAreRecorded() {
        Migration open = deposit("001-open", "x", 1);
        Migration doubled = Migration.of("002-double", tx -> {
            Records<String, Account> accounts = tx.records(KitModel.ACCOUNTS);
            accounts.save(new Account("x", balanceOf(accounts, "x") * 10)); // sees 001's write
        });

        assertThat(depot().migrate(open, doubled)).containsExactly("001-open", "002-double");
        assertThat(balanceOf(accounts(), "x")).isEqualTo(10);
        assertThat(depot().migrate(open, doubled)).isEmpty();
        assertThat(balanceOf(accounts(), "x")).isEqualTo(10);

        List<AppliedMigration> applied = depot().migrations();
        assertThat(map(applied, AppliedMigration::id)).containsExactly("001-open", "002-double");
        assertThat(applied).allSatisfy(a -> {
            assertThat(a.appliedAt()).isEqualTo(DepotConformanceSuite.START);
            assertThat(a.origin()).isEqualTo(depot().origin());
            assertThat(a.commitId()).isNotBlank();
        });
        assertThat(applied.get(0).commitId()).isNotEqualTo(applied.get(1).commitId());

        assertThat(depot().migrate(List.of(open, doubled, deposit("003-more", "x", 5)))).containsExactly("003-more");
        assertThat(balanceOf(accounts(), "x")).isEqualTo(15);
        assertThat(appliedIds()).containsExactly("001-open", "002-double", "003-more");
        assertThat(depot().migrate()).isEmpty();
        assertThat(depot().migrate(deposit("003-more", "x", 5))).as("applied ids not listed are ignored").isEmpty();
    }

    @Test
    void aFailingStepAppliesNothingOfItselfNorOfTheStepsAfterIt() {
        IllegalStateException boom = new IllegalStateException("step failed on purpose");
        Migration failing = Migration.of("002-fails", tx -> {
            tx.records(KitModel.ACCOUNTS).save(new Account("y", 2));
            throw boom;
        });

        assertThatThrownBy(() -> depot().migrate(deposit("001-a", "x", 1), failing, deposit("003-c", "z", 3)))
                .isInstanceOfSatisfying(MigrationFailedException.class, e -> {
                    assertThat(e.migration()).isEqualTo("002-fails");
                    assertThat(e.appliedBefore()).containsExactly("001-a");
                    assertThat(e.getCause()).isSameAs(boom);
                    assertThat(e.getMessage()).contains("'002-fails'").doesNotContain("on purpose");
                });
        assertThat(appliedIds()).containsExactly("001-a");
        assertThat(map(accounts().query().list(), Account::id)).containsExactly("x");

        assertThat(depot().migrate(deposit("001-a", "x", 1), deposit("002-fails", "y", 2), deposit("003-c", "z", 3)))
                .as("a fixed step and the ones after it apply on the next call")
                .containsExactly("002-fails", "003-c");
        assertThat(map(accounts().query().list(), Account::id)).containsExactly("x", "y", "z");
    }

    @Test
    void aStepThatRollsBackIsNotRecorded() {
        Migration rollsBack = Migration.of("001-rolls-back", tx -> {
            tx.records(KitModel.ACCOUNTS).save(new Account("x", 1));
            tx.setRollbackOnly();
        });

        assertThatThrownBy(() -> depot().migrate(rollsBack))
                .isInstanceOfSatisfying(MigrationFailedException.class,
                        e -> assertThat(e.getMessage()).contains("'001-rolls-back'", "setRollbackOnly"));
        assertThat(depot().migrations()).isEmpty();
        assertThat(accounts().count()).isZero();
    }

    @Test
    void badListsAreRefusedBeforeAnythingRuns() {
        Migration a = deposit("001-a", "x", 1);
        assertThatThrownBy(() -> depot().migrate((List<Migration>) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> depot().migrate(a, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("migrations[1]");
        assertThatThrownBy(() -> depot().migrate(a, deposit("002-b", "x", 1), deposit("001-a", "x", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'001-a'").hasMessageContaining("migrations[0]").hasMessageContaining("migrations[2]");
        assertThat(depot().migrations()).isEmpty();
        assertThat(accounts().count()).isZero();

        for (String bad : new String[] {"", " ", "-a", ".a", "a b", "a/b", "a\u0000", "é", "x".repeat(129)}) {
            assertThatThrownBy(() -> Migration.of(bad, tx -> {}))
                    .as("id %s", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("migration id");
        }
        assertThatThrownBy(() -> Migration.of(null, tx -> {})).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Migration.of("001-a", null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("'001-a'");
        assertThat(Migration.of("x".repeat(128), tx -> {}).id()).hasSize(128);
    }

    @Test
    void aMigrationListedBeforeAnAppliedOneIsRefused() {
        depot().migrate(deposit("001-a", "x", 1), deposit("003-c", "x", 1));

        assertThatThrownBy(() -> depot().migrate(deposit("001-a", "x", 1), deposit("002-b", "x", 100), deposit("003-c", "x", 1),
                        deposit("004-d", "x", 1000)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'002-b'").hasMessageContaining("'003-c'");
        assertThat(appliedIds()).containsExactly("001-a", "003-c");
        assertThat(balanceOf(accounts(), "x")).as("nothing ran").isEqualTo(2);
    }

    @Test
    void concurrentMigratorsApplyEachStepExactlyOnce() throws Exception {
        List<Migration> steps = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            steps.add(deposit(String.format("%03d-step", i), "counter", 1));
        }
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<List<String>>> runs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                runs.add(pool.submit(() -> {
                    start.await();
                    return depot().migrate(steps);
                }));
            }
            start.countDown();
            List<String> appliedByAll = new ArrayList<>();
            for (Future<List<String>> run : runs) {
                appliedByAll.addAll(run.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS));
            }
            Collections.sort(appliedByAll);
            assertThat(appliedByAll).as("every step applied by exactly one migrator").isEqualTo(map(steps, Migration::id));
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(HANG_GUARD.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
        assertThat(balanceOf(accounts(), "counter")).isEqualTo(6);
        assertThat(appliedIds()).isEqualTo(map(steps, Migration::id));
    }

    @Test
    void clearForgetsTheLedgerWithTheData() {
        depot().migrate(deposit("001-a", "x", 1));
        depot().clear();
        assertThat(depot().migrations()).isEmpty();
        assertThat(depot().migrate(deposit("001-a", "x", 1))).containsExactly("001-a");
        assertThat(balanceOf(accounts(), "x")).isEqualTo(1);
    }

    @Test
    void aLedgerDepotDidNotWriteIsReportedNotOverwritten() {
        Schema<String, JsonNode> ledger = Schema.json("depot_migrations").key("/key").build();
        depot().records(ledger).save(JsonMapper.builder().build().readTree("{\"key\":\"applied\",\"migrations\":7}"));

        assertThatThrownBy(() -> depot().migrate(deposit("001-a", "x", 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("depot_migrations");
        assertThatThrownBy(() -> depot().migrations()).isInstanceOf(IllegalStateException.class);
        assertThat(accounts().count()).isZero();
    }
}

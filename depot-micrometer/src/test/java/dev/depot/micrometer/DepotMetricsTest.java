package dev.depot.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.AlreadyExistsException;
import dev.depot.ChangeEvent;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Retry;
import dev.depot.Schema;
import dev.depot.Subscription;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DepotMetricsTest {
    record Player(String id, String name, long score) {}

    static final Schema<String, Player> PLAYERS = Schema.of("players", String.class, Player.class)
            .key(Player::id)
            .index("name", String.class, Player::name)
            .index("score", Long.class, Player::score)
            .build();

    static final Schema<String, Player> TEAMS = Schema.of("teams", String.class, Player.class).key(Player::id).build();

    private final MockClock clock = new MockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
    private DepotMetrics metrics;
    private Depot depot;

    @BeforeEach
    void open() {
        metrics = new DepotMetrics(registry, Duration.ofSeconds(30));
        depot = Depot.open("memory:", DepotOptions.defaults().observer(metrics)); // as the README shows
        metrics.bindTo(depot);
    }

    @AfterEach
    void close() {
        depot.close();
    }

    private long timerCount(String collection, String kind, String outcome) {
        var timer = registry.find(DepotMetrics.OPERATIONS)
                .tags("collection", collection, "kind", kind, "outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void timesOperationsByCollectionKindAndOutcome() {
        Records<String, Player> players = depot.records(PLAYERS);
        players.insert(new Player("p1", "Ann", 10));
        players.insert(new Player("p2", "Bob", 20));
        assertThatThrownBy(() -> players.insert(new Player("p1", "Ann", 10))).isInstanceOf(AlreadyExistsException.class);
        players.get("p1");
        players.get("missing");
        players.query().where(Q.field("score").ge(15)).page();
        depot.transact(tx -> tx.records(PLAYERS).save(new Player("p3", "Cy", 30)));

        assertThat(timerCount("players", "write", "ok")).isEqualTo(3);
        assertThat(timerCount("players", "write", "already-exists")).isEqualTo(1);
        assertThat(timerCount("players", "get", "ok")).isEqualTo(1);
        assertThat(timerCount("players", "get", "not-found")).isEqualTo(1);
        assertThat(timerCount("players", "query", "ok")).isEqualTo(1);
        assertThat(timerCount(DepotMetrics.NO_COLLECTION, "commit", "ok")).isEqualTo(1);
        var anyTimer = registry.find(DepotMetrics.OPERATIONS).tags("kind", "get", "outcome", "ok").timer();
        assertThat(anyTimer.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    }

    @Test
    void countsConflictsAndRetries() {
        Records<String, Player> outside = depot.records(PLAYERS);
        outside.insert(new Player("p1", "Ann", 1));
        AtomicInteger attempts = new AtomicInteger();
        depot.transact(Retry.onConflict(3), tx -> {
            Records<String, Player> players = tx.records(PLAYERS);
            players.save(new Player("p1", "Ann", 2));
            if (attempts.incrementAndGet() <= 2) {
                outside.save(new Player("p1", "Ann", 100)); // commits first: this attempt loses
            }
            return null;
        });
        assertThat(registry.get(DepotMetrics.CONFLICTS).tags("collection", DepotMetrics.NO_COLLECTION, "kind", "commit")
                .counter().count()).isEqualTo(2);
        assertThat(registry.get(DepotMetrics.RETRIES).counter().count()).isEqualTo(2);
        assertThat(timerCount(DepotMetrics.NO_COLLECTION, "commit", "conflict")).isEqualTo(2);
        assertThat(timerCount(DepotMetrics.NO_COLLECTION, "commit", "ok")).isEqualTo(1);
    }

    @Test
    void recordCountsAreReadAtMostOncePerRefresh() {
        Records<String, Player> players = depot.records(PLAYERS);
        players.insert(new Player("p1", "Ann", 1));
        players.insert(new Player("p2", "Bob", 2));
        clock.add(Duration.ofSeconds(30));
        assertThat(registry.get(DepotMetrics.RECORDS).tag("collection", "players").gauge().value()).isEqualTo(2);
        assertThat(registry.get(DepotMetrics.CHANGES_RETAINED).gauge().value()).isEqualTo(2);

        players.insert(new Player("p3", "Cy", 3));
        assertThat(registry.get(DepotMetrics.RECORDS).tag("collection", "players").gauge().value())
                .as("cached until the refresh interval passes").isEqualTo(2);
        clock.add(Duration.ofSeconds(30));
        assertThat(registry.get(DepotMetrics.RECORDS).tag("collection", "players").gauge().value()).isEqualTo(3);
    }

    @Test
    void aCollectionFirstTouchedAfterBindingGetsItsGauge() {
        assertThat(registry.find(DepotMetrics.RECORDS).tag("collection", "teams").gauge()).isNull();
        depot.records(TEAMS).insert(new Player("t1", "Reds", 0));
        clock.add(Duration.ofSeconds(30));
        assertThat(registry.get(DepotMetrics.RECORDS).tag("collection", "teams").gauge().value()).isEqualTo(1);
    }

    @Test
    void gaugesOfAClosedDepotReadNaN() {
        depot.records(PLAYERS).insert(new Player("p1", "Ann", 1));
        depot.close();
        clock.add(Duration.ofSeconds(30));
        assertThat(registry.get(DepotMetrics.RECORDS).tag("collection", "players").gauge().value()).isNaN();
    }

    @Test
    void feedLagIsTheLastSequenceMinusTheReadersPosition() throws Exception {
        Records<String, Player> players = depot.records(PLAYERS);
        AtomicLong polled = new AtomicLong();
        metrics.trackFeedPosition("poller", polled::get);
        for (int i = 0; i < 5; i++) {
            players.save(new Player("p" + i, "N", i));
        }
        clock.add(Duration.ofSeconds(1));
        assertThat(registry.get(DepotMetrics.FEED_LAG).tag("subscriber", "poller").gauge().value()).isEqualTo(5);
        List<ChangeEvent> events = depot.changes().since(0, 3);
        polled.set(events.getLast().sequence());
        assertThat(registry.get(DepotMetrics.FEED_LAG).tag("subscriber", "poller").gauge().value()).isEqualTo(2);

        try (Subscription sub = depot.changes().subscribe(0, e -> {})) {
            metrics.trackSubscription("indexer", sub);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sub.position() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(registry.get(DepotMetrics.FEED_LAG).tag("subscriber", "indexer").gauge().value()).isZero();
        }
        metrics.stopTracking("indexer");
        assertThat(registry.find(DepotMetrics.FEED_LAG).tag("subscriber", "indexer").gauge()).isNull();
    }

    @Test
    void subscriberNamesMustBeTagSafe() {
        assertThatThrownBy(() -> metrics.trackFeedPosition("user ann@example.com", () -> 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("subscriber name");
        assertThatThrownBy(() -> metrics.trackFeedPosition("", () -> 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tagsHoldOnlyAllowedNamesNeverKeysOrValues() {
        Records<String, Player> players = depot.records(PLAYERS);
        String key = "key-4f1c";
        String name = "value-9a2e";
        players.insert(new Player(key, name, 77));
        assertThatThrownBy(() -> players.insert(new Player(key, name, 77))).isInstanceOf(AlreadyExistsException.class);
        players.get(key);
        players.query().where(Q.field("name").eq(name)).page();
        players.delete(key);
        depot.transact(tx -> tx.records(PLAYERS).save(new Player(key, name, 78)));
        metrics.trackFeedPosition("reader", () -> 0);
        clock.add(Duration.ofSeconds(30));

        Set<String> tagKeys = new HashSet<>();
        for (Meter m : registry.getMeters()) {
            for (Tag t : m.getId().getTags()) {
                tagKeys.add(t.getKey());
                assertThat(t.getValue()).doesNotContain(key).doesNotContain(name).doesNotContain("77");
            }
        }
        assertThat(tagKeys).containsOnly("collection", "kind", "outcome", "subscriber");
        Set<String> collections = new HashSet<>();
        registry.getMeters().forEach(m -> {
            String c = m.getId().getTag("collection");
            if (c != null) {
                collections.add(c);
            }
        });
        assertThat(collections).containsOnly("players", DepotMetrics.NO_COLLECTION);
    }

    @Test
    void closeRemovesEveryMeter() {
        depot.records(PLAYERS).insert(new Player("p1", "Ann", 1));
        metrics.trackFeedPosition("reader", () -> 0);
        assertThat(registry.getMeters()).isNotEmpty();
        metrics.close();
        assertThat(registry.getMeters()).isEmpty();
        depot.records(PLAYERS).get("p1");
        depot.transact(tx -> null);
        assertThat(registry.getMeters()).as("nothing re-registered after close").isEmpty();
    }

    @Test
    void applyToSetsItselfAsTheObserver() {
        assertThat(metrics.applyTo(DepotOptions.defaults()).observer()).isSameAs(metrics);
    }

    @Test
    void bindsToOneDepotOnly() {
        assertThatThrownBy(() -> metrics.bindTo(depot)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("one per depot");
    }
}

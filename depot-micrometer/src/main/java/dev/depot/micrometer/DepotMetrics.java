package dev.depot.micrometer;

import dev.depot.Depot;
import dev.depot.DepotObserver;
import dev.depot.DepotOptions;
import dev.depot.DepotStats;
import dev.depot.Subscription;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/**
 * Micrometer meters for one {@link Depot}. It is the depot's {@link DepotObserver}, so pass it in the
 * options when opening, then {@linkplain #bindTo bind} it to the opened depot for the gauges:
 *
 * <pre>{@code
 * DepotMetrics metrics = new DepotMetrics(registry);
 * Depot depot = Depot.open(url, DepotOptions.defaults().observer(metrics));
 * metrics.bindTo(depot);
 * metrics.trackSubscription("search-indexer", depot.changes().subscribe(0, listener));
 * }</pre>
 *
 * <p>Meters, all tagged with names only, never with keys or values:
 *
 * <ul>
 *   <li>{@value #OPERATIONS} (timer): every backend operation, tagged {@code collection} ({@value
 *       #NO_COLLECTION} for a commit, which spans collections), {@code kind} ({@link
 *       DepotObserver.Operation#label()}: get, getAll, write, writeAll, delete, query, count, clear,
 *       commit) and {@code outcome} ({@link DepotObserver.Outcome#label()}: ok, not-found,
 *       already-exists, version-conflict, unique, conflict, unavailable, error).
 *   <li>{@value #CONFLICTS} (counter): first-committer-wins losses, tagged {@code collection} and
 *       {@code kind}.
 *   <li>{@value #RETRIES} (counter): transaction callbacks re-run after a conflict.
 *   <li>{@value #RECORDS} (gauge): live records, tagged {@code collection}, for each collection the
 *       depot reports in {@link Depot#stats()} or that an operation touched.
 *   <li>{@value #CHANGES_RETAINED} (gauge): change events the depot retains.
 *   <li>{@value #FEED_LAG} (gauge): per named change-feed reader, tagged {@code subscriber}: the
 *       depot's last sequence minus the reader's position, i.e. events it has yet to process.
 * </ul>
 *
 * <p>Gauges are read when the registry is scraped; {@code depot.stats()} (a count per collection,
 * which costs a query per table on SQL backends) is read at most once per {@code statsRefresh}
 * (default 10 s) and the feed's last sequence at most once a second, both by the registry's clock.
 * Read failures (closed or unreachable depot) show as NaN. Timers are the only per-operation cost:
 * one map look-up and one timer update on the caller's thread.
 *
 * <p>Feed lag is per named reader rather than "the slowest subscription" because a depot does not
 * list its subscriptions, and readers that poll with {@code since} have no subscription at all; a
 * named gauge also says who is behind.
 */
public final class DepotMetrics implements DepotObserver, AutoCloseable {
    public static final String OPERATIONS = "depot.operations";
    public static final String CONFLICTS = "depot.conflicts";
    public static final String RETRIES = "depot.transaction.retries";
    public static final String RECORDS = "depot.records";
    public static final String CHANGES_RETAINED = "depot.changes.retained";
    public static final String FEED_LAG = "depot.feed.lag";
    /** The {@code collection} tag of operations that span collections (commit). */
    public static final String NO_COLLECTION = "-";
    /** Default interval between two reads of {@code depot.stats()}. */
    public static final Duration DEFAULT_STATS_REFRESH = Duration.ofSeconds(10);

    private static final Duration FEED_REFRESH = Duration.ofSeconds(1);
    private static final Pattern SUBSCRIBER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final MeterRegistry registry;
    private final Duration statsRefresh;
    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> conflicts = new ConcurrentHashMap<>();
    private final Set<String> collections = ConcurrentHashMap.newKeySet();
    private final Map<String, Gauge> feedLags = new ConcurrentHashMap<>();
    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    private final Counter retries;
    private volatile Depot depot;
    private volatile boolean closed;
    private volatile CachedValue<DepotStats> stats;
    private volatile CachedValue<Long> lastSequence;

    /** Meters on {@code registry}, reading {@code depot.stats()} at most every 10 s. */
    public DepotMetrics(MeterRegistry registry) {
        this(registry, DEFAULT_STATS_REFRESH);
    }

    /** Meters on {@code registry}, reading {@code depot.stats()} at most once per {@code statsRefresh}. */
    public DepotMetrics(MeterRegistry registry, Duration statsRefresh) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.statsRefresh = Objects.requireNonNull(statsRefresh, "statsRefresh");
        if (statsRefresh.isNegative()) {
            throw new IllegalArgumentException("statsRefresh must not be negative, was " + statsRefresh);
        }
        this.retries = remember(Counter.builder(RETRIES)
                .description("Transaction callbacks re-run after a conflict")
                .register(registry));
    }

    /** The options to open the observed depot with: {@code options} reporting to these meters. */
    public DepotOptions applyTo(DepotOptions options) {
        return options.observer(this);
    }

    /**
     * Publishes the meters of a depot's connection pool on this registry: HikariCP's own
     * ({@code hikaricp.connections}, {@code hikaricp.connections.active}, {@code .idle}, {@code .pending},
     * {@code .timeout}, {@code .acquire}, {@code .usage}, tagged {@code pool}), removed when the pool
     * closes with the depot. Pass it to {@code JdbcDepots.open(url, options, metrics::bindPool)}, which
     * hands over the pool Depot builds for a SQL URL. Returns false, changing nothing, when
     * {@code pool} is not a HikariCP pool (or HikariCP is not on the class path) or already reports to
     * a registry. An application's own pool (under {@code JdbcDepots.open(DataSource, …)}) is the
     * application's to instrument.
     */
    public boolean bindPool(javax.sql.DataSource pool) {
        Objects.requireNonNull(pool, "pool");
        return HikariPoolMeters.PRESENT && HikariPoolMeters.bind(pool, registry);
    }

    /**
     * Adds the gauges that read {@code depot}: records per collection, retained change events and
     * feed lag. Call once, with the depot opened with this observer (a depot opened without it still
     * gets the gauges, but no timers). Returns this.
     */
    public synchronized DepotMetrics bindTo(Depot depot) {
        Objects.requireNonNull(depot, "depot");
        if (this.depot != null) {
            throw new IllegalStateException("DepotMetrics is already bound to " + this.depot + "; use one per depot");
        }
        this.stats = new CachedValue<>(depot::stats, registry.config().clock(), statsRefresh);
        this.lastSequence = new CachedValue<>(() -> depot.changes().lastSequence(), registry.config().clock(), FEED_REFRESH);
        this.depot = depot;
        remember(Gauge.builder(CHANGES_RETAINED, this, m -> m.fromStats(s -> s.changeEvents()))
                .description("Change events the depot retains")
                .strongReference(true)
                .register(registry));
        try { // read here, not through the cache, so the first scrape still sees fresh counts
            collections.addAll(depot.stats().records().keySet());
        } catch (RuntimeException e) {
            // closed or unreachable: collections get their gauges as operations touch them
        }
        collections.forEach(this::registerRecordsGauge); // registering twice returns the same gauge
        return this;
    }

    /**
     * Reports {@value #FEED_LAG} for {@code subscription} under the tag {@code subscriber}. The name
     * is an identifier of the reader ({@code [A-Za-z0-9][A-Za-z0-9_.-]{0,63}}), chosen by the
     * application; tracking a name again replaces the previous reader.
     */
    public void trackSubscription(String subscriber, Subscription subscription) {
        Objects.requireNonNull(subscription, "subscription");
        trackFeedPosition(subscriber, subscription::position);
    }

    /**
     * Reports {@value #FEED_LAG} for a reader whose last processed sequence {@code position} returns,
     * for readers that poll {@code depot.changes().since(…)} themselves.
     */
    public void trackFeedPosition(String subscriber, LongSupplier position) {
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(position, "position");
        if (!SUBSCRIBER.matcher(subscriber).matches()) {
            throw new IllegalArgumentException("subscriber name '" + subscriber
                    + "' must match [A-Za-z0-9][A-Za-z0-9_.-]{0,63}: it becomes a metric tag");
        }
        if (closed) {
            throw new IllegalStateException("DepotMetrics is closed");
        }
        stopTracking(subscriber);
        Gauge gauge = Gauge.builder(FEED_LAG, this, m -> m.lag(position))
                .description("Change events a reader has yet to process")
                .tag("subscriber", subscriber)
                .strongReference(true)
                .register(registry);
        feedLags.put(subscriber, gauge);
        remember(gauge);
    }

    /** Removes the {@value #FEED_LAG} gauge of {@code subscriber}, if any. */
    public void stopTracking(String subscriber) {
        Gauge old = feedLags.remove(subscriber);
        if (old != null) {
            registry.remove(old);
            meters.remove(old);
        }
    }

    @Override
    public void operationFinished(String collection, Operation operation, Outcome outcome, long durationNanos) {
        if (closed) {
            return; // a depot outliving its metrics must not re-register what close() removed
        }
        String tag = collection.isEmpty() ? NO_COLLECTION : collection;
        timers.computeIfAbsent(new TimerKey(tag, operation, outcome), this::timer)
                .record(durationNanos, TimeUnit.NANOSECONDS);
        if (outcome == Outcome.CONFLICT) {
            conflicts.computeIfAbsent(tag + '/' + operation.label(), k -> conflictCounter(tag, operation)).increment();
        }
        if (!collection.isEmpty() && collections.add(collection) && depot != null) {
            registerRecordsGauge(collection);
        }
    }

    @Override
    public void transactionRetried(int retry) {
        if (!closed) {
            retries.increment();
        }
    }

    /** Removes every meter this registered from the registry; later operations are not recorded. */
    @Override
    public void close() {
        closed = true;
        for (Meter m : meters) {
            registry.remove(m);
        }
        meters.clear();
        timers.clear();
        conflicts.clear();
        feedLags.clear();
    }

    private Timer timer(TimerKey key) {
        return remember(Timer.builder(OPERATIONS)
                .description("Depot backend operations")
                .tag("collection", key.collection())
                .tag("kind", key.operation().label())
                .tag("outcome", key.outcome().label())
                .register(registry));
    }

    private Counter conflictCounter(String collection, Operation operation) {
        return remember(Counter.builder(CONFLICTS)
                .description("Transactions that lost a first-committer-wins race")
                .tag("collection", collection)
                .tag("kind", operation.label())
                .register(registry));
    }

    private void registerRecordsGauge(String collection) {
        remember(Gauge.builder(RECORDS, this, m -> m.fromStats(s -> s.records().getOrDefault(collection, 0L)))
                .description("Live records in the collection")
                .tag("collection", collection)
                .strongReference(true)
                .register(registry));
    }

    private double fromStats(ToLongFunction<DepotStats> read) {
        CachedValue<DepotStats> cache = stats;
        DepotStats s = cache == null ? null : cache.get();
        return s == null ? Double.NaN : read.applyAsLong(s);
    }

    private double lag(LongSupplier position) {
        CachedValue<Long> cache = lastSequence;
        Long last = cache == null ? null : cache.get();
        if (last == null) {
            return Double.NaN;
        }
        return Math.max(0, last - position.getAsLong());
    }

    private <M extends Meter> M remember(M meter) {
        meters.add(meter);
        return meter;
    }

    private record TimerKey(String collection, Operation operation, Outcome outcome) {}
}

package dev.depot.spring;

import dev.depot.DepotOptions;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the auto-configured {@link dev.depot.Depot}, under {@code depot.*}.
 *
 * <p>Where the depot lives: {@code depot.url} (which Spring Boot also reads from the environment
 * variable {@code DEPOT_URL}), else the application's one {@code DataSource} bean when depot-jdbc is
 * on the class path (with {@code depot.table-prefix} and {@code depot.ddl}), else the environment
 * variable {@code DATABASE_URL}, else {@code memory:} with one warning that the data is lost when the
 * application stops.
 */
@ConfigurationProperties("depot")
public class DepotProperties {

    /**
     * Depot URL: memory:, memory:NAME, postgresql://user@host:5432/db, mariadb://…, h2:…, sqlite:…
     * (SQL backends need their module on the class path). When unset: DEPOT_URL, then DATABASE_URL,
     * then memory: with a warning.
     */
    private String url;

    /** Connections for pooled (SQL) backends; memory ignores it. */
    private int poolSize = 10;

    /**
     * Table prefix of a depot on the application's DataSource (default depot_); with depot.url, set
     * tablePrefix in the URL instead.
     */
    private String tablePrefix;

    /**
     * Who makes the tables of a depot on the application's DataSource: create (default), validate or
     * none; with depot.url, set ddl in the URL instead.
     */
    private String ddl;

    /**
     * The name this application's writes carry in the change feed (ChangeEvent.origin), e.g. the
     * service instance; 1 to 64 printable ASCII characters without spaces. Unset: random per start.
     */
    private String origin;

    /**
     * Whether the application's Migration beans are applied to the depot at startup (in id order,
     * each once per depot; see Depot.migrate).
     */
    private boolean migrate = true;

    private final ChangeRetention changeRetention = new ChangeRetention();

    private final Metrics metrics = new Metrics();

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public int getPoolSize() {
        return poolSize;
    }

    public void setPoolSize(int poolSize) {
        this.poolSize = poolSize;
    }

    public String getTablePrefix() {
        return tablePrefix;
    }

    public void setTablePrefix(String tablePrefix) {
        this.tablePrefix = tablePrefix;
    }

    public String getDdl() {
        return ddl;
    }

    public void setDdl(String ddl) {
        this.ddl = ddl;
    }

    /** {@code depot.table-prefix} and {@code depot.ddl} as the parameters a depot on a DataSource takes. */
    String dataSourceParameters() {
        StringBuilder p = new StringBuilder();
        if (tablePrefix != null && !tablePrefix.isBlank()) {
            p.append("tablePrefix=").append(tablePrefix.strip());
        }
        if (ddl != null && !ddl.isBlank()) {
            p.append(p.isEmpty() ? "" : "&").append("ddl=").append(ddl.strip());
        }
        return p.toString();
    }

    public String getOrigin() {
        return origin;
    }

    public void setOrigin(String origin) {
        this.origin = origin;
    }

    public boolean isMigrate() {
        return migrate;
    }

    public void setMigrate(boolean migrate) {
        this.migrate = migrate;
    }

    public ChangeRetention getChangeRetention() {
        return changeRetention;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    /** These settings as depot options (before customizers run); invalid values fail here, by name. */
    public DepotOptions toOptions() {
        DepotOptions options = DepotOptions.defaults()
                .poolSize(poolSize)
                .changeRetention(changeRetention.getMaxAge(), changeRetention.getMaxEvents());
        return origin == null || origin.isBlank() ? options : options.origin(origin);
    }

    /** How long the change feed keeps events. */
    public static class ChangeRetention {

        /** Change events older than this are dropped. */
        private Duration maxAge = Duration.ofDays(7);

        /** At most this many change events are kept. */
        private long maxEvents = 1_000_000;

        public Duration getMaxAge() {
            return maxAge;
        }

        public void setMaxAge(Duration maxAge) {
            this.maxAge = maxAge;
        }

        public long getMaxEvents() {
            return maxEvents;
        }

        public void setMaxEvents(long maxEvents) {
            this.maxEvents = maxEvents;
        }
    }

    /** Micrometer meters, when depot-micrometer and a MeterRegistry are present. */
    public static class Metrics {

        /** Whether to publish depot.* meters. */
        private boolean enabled = true;

        /** How often the record-count gauges re-read depot.stats(), which counts every table on SQL backends. */
        private Duration statsRefresh = Duration.ofSeconds(10);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getStatsRefresh() {
            return statsRefresh;
        }

        public void setStatsRefresh(Duration statsRefresh) {
            this.statsRefresh = statsRefresh;
        }
    }
}

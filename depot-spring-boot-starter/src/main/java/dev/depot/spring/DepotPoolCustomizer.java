package dev.depot.spring;

import javax.sql.DataSource;

/**
 * Sees the connection pool Depot builds for a SQL {@code depot.url} (a HikariCP
 * {@code HikariDataSource}) before the depot is used, e.g. to publish its meters (the starter
 * defines one for {@code depot-micrometer}). Needs depot-jdbc on the class path, which every SQL
 * module brings; not called for a depot on the application's own DataSource, nor for memory: or file:.
 * The pool stays Depot's: do not close or reconfigure it.
 */
@FunctionalInterface
public interface DepotPoolCustomizer {
    void customize(DataSource pool);
}

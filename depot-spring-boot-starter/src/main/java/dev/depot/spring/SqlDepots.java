package dev.depot.spring;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.jdbc.JdbcDepots;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.util.ClassUtils;

/**
 * The starter's calls into depot-jdbc, in a class of their own so that it is loaded only when
 * depot-jdbc is on the class path ({@link #PRESENT}).
 */
final class SqlDepots {
    static final boolean PRESENT = ClassUtils.isPresent("dev.depot.jdbc.JdbcDepots", SqlDepots.class.getClassLoader());

    private SqlDepots() {}

    /** A depot on the application's DataSource, which stays the application's. */
    static Depot open(DataSource dataSource, String parameters, DepotOptions options) {
        return JdbcDepots.open(dataSource, parameters, options);
    }

    /** A depot from a URL; the pool Depot builds for a SQL URL goes through every customizer. */
    static Depot open(String url, DepotOptions options, List<DepotPoolCustomizer> pools) {
        return JdbcDepots.open(url, options, pool -> pools.forEach(c -> c.customize(pool)));
    }
}

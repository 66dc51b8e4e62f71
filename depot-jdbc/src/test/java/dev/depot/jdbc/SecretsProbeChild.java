package dev.depot.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The child JVM of {@link SecretsProbeTest}: started with every SLF4J logger at TRACE (Depot's,
 * HikariCP's, the MariaDB driver's) and JDK logging at ALL (pgjdbc), it opens depots from URLs carrying
 * passwords, and on DataSources, prints whatever it is given back (toString, health, messages, stack
 * traces) and exits. The parent looks for the passwords in everything the child wrote.
 */
public final class SecretsProbeChild {
    private SecretsProbeChild() {}

    public static void main(String[] args) {
        Logger root = Logger.getLogger("");
        root.setLevel(Level.ALL);
        ConsoleHandler h = new ConsoleHandler();
        h.setLevel(Level.ALL);
        root.addHandler(h);
        Logger.getLogger("org.postgresql").setLevel(Level.ALL);
        Logger.getLogger("org.h2").setLevel(Level.ALL);
        for (int i = 0; i < args.length; i++) {
            String url = args[i];
            System.out.println("CASE " + i);
            System.out.flush();
            if (url.startsWith("datasource:")) {
                dataSource(url.substring("datasource:".length()));
            } else if (url.startsWith("ddl:")) {
                attempt(() -> System.out.println(JdbcDepots.ddl(url.substring(4))));
            } else if (url.startsWith("drop:")) {
                attempt(() -> System.out.println(JdbcDepots.drop(url.substring(5))));
            } else if (url.startsWith("onpool:")) {
                attempt(() -> {
                    try (Depot d = JdbcDepots.open(url.substring(7), DepotOptions.defaults(), pool -> {
                        System.out.println("pool " + pool);
                        throw new IllegalStateException("refused by onPool: " + pool);
                    })) {
                        System.out.println("opened " + d);
                    }
                });
            } else {
                attempt(() -> {
                    try (Depot d = Depot.open(url)) {
                        System.out.println("opened " + d + " health " + d.health() + " caps " + d.capabilities());
                        d.blobs("probe").put("x", new byte[] {1});
                        System.out.println("stats " + d.stats());
                    }
                });
            }
            System.out.flush();
            System.err.flush();
        }
        System.out.println("END");
    }

    /** An application's own Hikari pool whose JDBC URL or properties carry the password. */
    private static void dataSource(String spec) {
        String[] parts = spec.split(" ", 3); // jdbcUrl user password
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(parts[0]);
        if (parts.length > 1 && !parts[1].isEmpty()) {
            ds.setUsername(parts[1]);
        }
        if (parts.length > 2) {
            ds.setPassword(parts[2]);
        }
        ds.setConnectionTimeout(1_000);
        try {
            attempt(() -> {
                try (Depot d = JdbcDepots.open(ds, "tablePrefix=probe_", DepotOptions.defaults())) {
                    System.out.println("opened " + d + " health " + d.health());
                }
            });
            attempt(() -> JdbcDepots.open(ds, "password=x", DepotOptions.defaults()).close());
        } finally {
            ds.close();
        }
    }

    private static void attempt(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | Error e) {
            StringWriter w = new StringWriter();
            e.printStackTrace(new PrintWriter(w));
            System.out.println("FAILED " + w);
        }
    }
}

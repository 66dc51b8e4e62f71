package dev.depot.jdbc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A database server of the test's own: a PostgreSQL 15 or MariaDB instance in a temporary directory on
 * a free port, which a test may crash, stop and start again (same port, same data) without touching the
 * shared servers. Data is flushed as in production (fsync on; InnoDB flushes its log at every commit).
 * Both require a password over TCP (PostgreSQL scram, MariaDB a user of its own), so errors can be
 * checked for it. Missing binaries or OS users skip the test ({@link #start}); every instance is killed
 * and its directory deleted by {@link #close}, and by a JVM shutdown hook if a test never got there.
 */
final class PrivateServer implements AutoCloseable {
    /** The password of the user Depot logs in as: no message may contain it. */
    static final String PASSWORD = "Pw-o28-s3cret";

    private static final Path PG_BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final Path MARIADB_INSTALL = Path.of("/usr/bin/mariadb-install-db");
    private static final Path MARIADBD = Path.of("/usr/sbin/mariadbd");
    private static final long START_SECONDS = 60;
    private static final Set<PrivateServer> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(PrivateServer::close), "private-server-cleanup"));
    }

    enum Kind {
        POSTGRESQL,
        MARIADB
    }

    private final Kind kind;
    private final Path dir;
    private final int port;
    /** MariaDB's server process (PostgreSQL's is a daemon of pg_ctl, found by its pid file). */
    private Process mariadbd;
    /** Whether the test user exists: from then on only its login counts as up. */
    private volatile boolean prepared;

    private PrivateServer(Kind kind, Path dir, int port) {
        this.kind = kind;
        this.dir = dir;
        this.port = port;
    }

    /**
     * Creates, starts and prepares a server (a database {@code depot} and a user with {@link #PASSWORD}),
     * or skips the test, naming what is missing.
     */
    static PrivateServer start(Kind kind) throws Exception {
        if (kind == Kind.POSTGRESQL) {
            Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                    "a private PostgreSQL is started as root (which switches to the postgres user), not as " + System.getProperty("user.name"));
            Assumptions.assumeTrue(Files.isExecutable(PG_BIN.resolve("initdb")) && Files.isExecutable(PG_BIN.resolve("pg_ctl")),
                    "no PostgreSQL 15 binaries in " + PG_BIN);
            Assumptions.assumeTrue(run(List.of("id", "-u", "postgres"), null) == 0, "no postgres OS user to run PostgreSQL as");
        } else {
            Assumptions.assumeTrue(Files.isExecutable(MARIADB_INSTALL) && Files.isExecutable(MARIADBD),
                    "no MariaDB binaries (" + MARIADB_INSTALL + ", " + MARIADBD + ")");
        }
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "depot-private-" + kind.name().toLowerCase() + "-");
        PrivateServer s = new PrivateServer(kind, dir, freePort());
        LIVE.add(s);
        try {
            s.create();
            s.up();
            s.prepare();
            return s;
        } catch (Exception | Error e) {
            s.close();
            throw e;
        }
    }

    /** The Depot URL of the private database, with its password and the given parameters ({@code a=b&c=d}). */
    String url(String parameters) {
        String scheme = kind == Kind.POSTGRESQL ? "postgresql" : "mariadb";
        return scheme + "://depot:" + PASSWORD + "@127.0.0.1:" + port + "/depot?" + parameters;
    }

    int port() {
        return port;
    }

    Kind kind() {
        return kind;
    }

    /** A crash: PostgreSQL's immediate shutdown (no checkpoint, recovery at the next start), MariaDB killed with SIGKILL. */
    void crash() throws Exception {
        if (kind == Kind.POSTGRESQL) {
            pgCtl("stop", "-m", "immediate");
        } else {
            Process p = mariadbd;
            mariadbd = null;
            if (p != null) {
                p.destroyForcibly();
                p.waitFor(START_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    /** A clean shutdown, as for a restart: PostgreSQL's fast mode (sessions ended), MariaDB's SIGTERM. */
    void stop() throws Exception {
        if (kind == Kind.POSTGRESQL) {
            pgCtl("stop", "-m", "fast");
        } else {
            Process p = mariadbd;
            mariadbd = null;
            if (p != null) {
                p.destroy();
                if (!p.waitFor(START_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** Starts the server again on the same port and data directory; returns once it accepts logins. */
    void up() throws Exception {
        if (kind == Kind.POSTGRESQL) {
            pgCtl("start", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=on"
                    + " -c shared_buffers=16MB -c max_connections=60", "-l", dir.resolve("server.log").toString());
        } else {
            List<String> cmd = new ArrayList<>(List.of(MARIADBD.toString(), "--no-defaults", "--datadir=" + dir.resolve("data"),
                    "--socket=" + dir.resolve("mysqld.sock"), "--port=" + port, "--bind-address=127.0.0.1",
                    "--pid-file=" + dir.resolve("mysqld.pid"), "--user=root", "--log-error=" + dir.resolve("server.log"),
                    "--skip-name-resolve", "--innodb-buffer-pool-size=32M", "--innodb-flush-log-at-trx-commit=1",
                    "--max-connections=60"));
            mariadbd = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (!accepts()) {
            if (System.nanoTime() > deadline || kind == Kind.MARIADB && (mariadbd == null || !mariadbd.isAlive())) {
                throw new IllegalStateException("the private " + kind + " server did not start: " + tail(dir.resolve("server.log")));
            }
            Thread.sleep(100);
        }
    }

    /** Starts the server if an earlier test left it down. */
    void ensureUp() throws Exception {
        if (!accepts()) {
            up();
        }
    }

    /** Whether the server is up: a login of the test user succeeds. */
    boolean accepts() {
        try (Connection c = connect("depot", PASSWORD, "depot")) {
            return true;
        } catch (SQLException e) {
            // Before prepare() the depot user does not exist yet: the port being open is enough then.
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return !prepared;
            } catch (IOException io) {
                return false;
            }
        }
    }

    /** Kills the server (whatever state it is in) and deletes its directory. Safe to call twice. */
    @Override
    public void close() {
        if (!LIVE.remove(this)) {
            return;
        }
        try {
            if (kind == Kind.POSTGRESQL) {
                try {
                    pgCtl("stop", "-m", "immediate");
                } catch (Exception e) {
                    // not running, or pg_ctl failed: the pid file says what to kill
                }
                Path pid = dir.resolve("data/postmaster.pid");
                if (Files.exists(pid)) {
                    long id = Long.parseLong(Files.readAllLines(pid).get(0).trim());
                    ProcessHandle.of(id).ifPresent(h -> {
                        h.descendants().forEach(ProcessHandle::destroyForcibly);
                        h.destroyForcibly();
                    });
                }
            } else if (mariadbd != null) {
                mariadbd.destroyForcibly();
                mariadbd.waitFor(START_SECONDS, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            System.err.println("could not stop the private " + kind + " server in " + dir + ": " + e);
        } finally {
            TestDatabases.deleteTree(dir);
        }
    }

    // ---- setup ----

    private void create() throws Exception {
        if (kind == Kind.POSTGRESQL) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            run(List.of("chown", "postgres:", dir.toString()), null);
            Path pw = dir.resolve("pw");
            Files.writeString(pw, PASSWORD + "\n", StandardCharsets.UTF_8);
            run(List.of("chown", "postgres:", pw.toString()), null);
            // Local (socket) logins trusted, for pg_ctl's readiness check; TCP ones need the password.
            int rc = run(List.of("runuser", "-u", "postgres", "--", PG_BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
                    "-U", "postgres", "--pwfile=" + pw, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"),
                    dir.resolve("initdb.log"));
            if (rc != 0) {
                throw new IllegalStateException("initdb failed (" + rc + "): " + tail(dir.resolve("initdb.log")));
            }
        } else {
            int rc = run(List.of(MARIADB_INSTALL.toString(), "--no-defaults", "--datadir=" + dir.resolve("data"), "--user=root",
                    "--auth-root-authentication-method=normal", "--skip-test-db"), dir.resolve("install.log"));
            if (rc != 0) {
                throw new IllegalStateException("mariadb-install-db failed (" + rc + "): " + tail(dir.resolve("install.log")));
            }
        }
    }

    /** The database {@code depot} and its owner {@code depot} with {@link #PASSWORD}. */
    private void prepare() throws SQLException {
        if (kind == Kind.POSTGRESQL) {
            try (Connection c = connect("postgres", PASSWORD, "postgres"); Statement st = c.createStatement()) {
                st.execute("CREATE ROLE depot LOGIN PASSWORD '" + PASSWORD + "'");
                st.execute("CREATE DATABASE depot OWNER depot");
            }
        } else {
            try (Connection c = connect("root", null, ""); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE depot");
                st.execute("CREATE USER 'depot'@'127.0.0.1' IDENTIFIED BY '" + PASSWORD + "'");
                st.execute("GRANT ALL ON depot.* TO 'depot'@'127.0.0.1'");
            }
        }
        prepared = true;
    }

    /** A plain JDBC connection to the private server (setup and checks only). */
    Connection connect(String user, String password, String database) throws SQLException {
        String jdbc = kind == Kind.POSTGRESQL
                ? "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?connectTimeout=2&socketTimeout=10"
                : "jdbc:mariadb://127.0.0.1:" + port + "/" + database + "?connectTimeout=2000&socketTimeout=10000";
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection(jdbc, p);
    }

    private void pgCtl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", "postgres", "--", PG_BIN.resolve("pg_ctl").toString(),
                "-D", dir.resolve("data").toString(), "-w", "-t", String.valueOf(START_SECONDS)));
        cmd.addAll(List.of(args));
        int rc = run(cmd, dir.resolve("pg_ctl.log"));
        if (rc != 0) {
            throw new IllegalStateException("pg_ctl " + args[0] + " failed (" + rc + "): " + tail(dir.resolve("pg_ctl.log")) + " / "
                    + tail(dir.resolve("server.log")));
        }
    }

    /** Runs a command to its end, output appended to {@code log} (or discarded); returns its exit code. */
    private static int run(List<String> cmd, Path log) throws IOException, InterruptedException {
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        b.redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = b.start();
        if (!p.waitFor(START_SECONDS * 2, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("stuck: " + String.join(" ", cmd));
        }
        return p.exitValue();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no " + log.getFileName() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}

package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.depot.BackendUnavailableException;
import dev.depot.Depot;
import dev.depot.DepotException;
import dev.depot.DepotOptions;
import dev.depot.spi.DepotUrl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A generated matrix: passwords holding every URL-special character (raw and percent-encoded) × every
 * server scheme × every failure path. Neither half of the password may show in any exception message,
 * cause, stack trace, {@code toString()} or log line (SLF4J's stream and the JDK logging pgjdbc uses).
 */
class CredentialRedactionTest {
    private static final String HEAD = "Ab3";
    private static final String TAIL = "Zq9";
    private static final List<String> SPECIALS = List.of("/", "@", "?", "#", ":", "%", "&", "=", "+", " ", "é", "😀", "%41", "@/?#");
    private static final List<String> SCHEMES = List.of(
            "postgresql", "postgres", "mariadb", "mysql", "jdbc:postgresql", "jdbc:postgres", "jdbc:mariadb", "jdbc:mysql");

    enum Path { BAD_HOST, REFUSED, AUTH, MALFORMED, NO_SLASHES, UNKNOWN_PARAMETER }

    static Stream<Arguments> matrix() {
        List<Arguments> out = new ArrayList<>();
        for (String scheme : SCHEMES) {
            for (Path path : Path.values()) {
                out.add(Arguments.of(scheme, path));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("matrix")
    void noPasswordShowsAnywhere(String scheme, Path path) {
        for (String special : SPECIALS) {
            String password = HEAD + special + TAIL + special;
            for (String written : List.of(password, encode(password))) {
                check(url(scheme, path, written), path);
            }
        }
    }

    /**
     * The same, with the password as a {@code password=} parameter (percent-encoded, as a query value
     * must be), alone or next to {@code user=}, before or after other parameters.
     */
    @ParameterizedTest(name = "{0} {1} as parameter")
    @MethodSource("matrix")
    void noPasswordGivenAsParameterShowsAnywhere(String scheme, Path path) {
        if (path == Path.NO_SLASHES) {
            return; // no query to put it in
        }
        for (String special : SPECIALS) {
            String password = encode(HEAD + special + TAIL + special);
            String u = url(scheme, path, "x");
            String withoutInfo = u.replaceFirst("//[^@/]*:x@", "//");
            String user = u.contains("depot_no_such_role") ? "depot_no_such_role" : scheme.contains("postgres") ? "postgres" : "root";
            String q = withoutInfo.contains("?") ? "&" : "?";
            check(withoutInfo + q + "user=" + user + "&password=" + password, path);
            check(withoutInfo + q + "password=" + password + "&user=" + user, path);
        }
    }

    private static String url(String scheme, Path path, String pw) {
        boolean pg = scheme.contains("postgres");
        String user = path == Path.AUTH && pg ? "depot_no_such_role" : pg ? "postgres" : "root";
        String fast = "connectTimeout=1s&poolTimeout=1s";
        return switch (path) {
            case BAD_HOST -> scheme + "://" + user + ":" + pw + "@depot-nowhere.invalid/test?" + fast;
            case REFUSED -> scheme + "://" + user + ":" + pw + "@127.0.0.1:1/test?" + fast;
            case AUTH -> scheme + "://" + user + ":" + pw + "@127.0.0.1:" + (pg ? 5432 : 3306) + "/test?" + fast;
            case MALFORMED -> scheme + "://" + user + ":" + pw + "@127.0.0.1:5432";
            case NO_SLASHES -> scheme + ":" + user + ":" + pw + "@127.0.0.1/test";
            case UNKNOWN_PARAMETER -> scheme + "://" + user + ":" + pw + "@127.0.0.1/test?poolsize=3";
        };
    }

    private static void check(String url, Path path) {
        Capture capture = new Capture();
        try {
            assertClean(DepotUrl.parse(url).toString(), url, "DepotUrl.toString");
            try (Depot depot = Depot.open(url)) {
                assertClean(depot.toString(), url, "an open depot's toString");
                if (path != Path.AUTH) {
                    fail("opened " + DepotUrl.redact(url));
                }
            } catch (RuntimeException e) {
                switch (path) {
                    case BAD_HOST, REFUSED -> assertThat(e).as(DepotUrl.redact(url)).isInstanceOf(BackendUnavailableException.class);
                    case AUTH -> assertThat(e).as(DepotUrl.redact(url)).isInstanceOf(DepotException.class);
                    default -> assertThat(e).as(DepotUrl.redact(url)).isInstanceOf(IllegalArgumentException.class);
                }
                for (Throwable t : Dialect.chain(e)) {
                    assertClean(String.valueOf(t.getMessage()), url, "a message");
                    assertClean(t.toString(), url, "a toString");
                }
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                assertClean(trace.toString(), url, "the stack trace");
            }
        } finally {
            capture.close();
        }
        assertClean(capture.text(), url, "the log");
    }

    private static void assertClean(String text, String url, String where) {
        if (text.contains(HEAD) || text.contains(TAIL)) {
            fail("the password of " + DepotUrl.redact(url) + " shows in " + where + ":\n" + text);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Everything logged meanwhile: SLF4J-simple writes to System.err; pgjdbc logs through JDK logging (all levels). */
    private static final class Capture extends Handler {
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final StringBuilder jul = new StringBuilder();
        private final PrintStream original = System.err;
        private final Logger pg = Logger.getLogger("org.postgresql");
        private final Level pgLevel = pg.getLevel();

        Capture() {
            setLevel(Level.ALL);
            pg.setLevel(Level.ALL);
            pg.addHandler(this);
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        }

        @Override
        public synchronized void publish(LogRecord r) {
            jul.append(r.getMessage()).append(' ');
            if (r.getParameters() != null) {
                for (Object p : r.getParameters()) {
                    jul.append(p).append(' ');
                }
            }
            if (r.getThrown() != null) {
                StringWriter w = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(w));
                jul.append(w);
            }
            jul.append('\n');
        }

        @Override
        public void flush() {}

        @Override
        public void close() {
            System.setErr(original);
            pg.removeHandler(this);
            pg.setLevel(pgLevel);
        }

        synchronized String text() {
            return err.toString(StandardCharsets.UTF_8) + jul;
        }
    }
}

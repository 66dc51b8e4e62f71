package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What {@link CredentialRedactionTest} does not cover: every logger at TRACE (Depot's, HikariCP's as
 * Depot configures it, the drivers'), in a child JVM so that the levels really apply; successful opens
 * (Hikari logs its whole configuration at DEBUG); {@code driver.*} properties holding secrets; H2's own
 * {@code ;PASSWORD=} URL setting; malformed percent-escapes; {@code JdbcDepots.ddl/drop}, the
 * {@code onPool} hook, and depots on an application's DataSource. No password may show anywhere.
 */
class SecretsProbeTest {
    private static final String SECRET = "S3cr3t";
    private static final String RIGHT = "RightPw24b";
    private static final String PW_USER = "depot_probe24b_pw";

    @Test
    void noPasswordInAnyOutputAtTraceLevel() throws Exception {
        String pg = hostAndDatabase(TestDatabases.postgres());
        String md = hostAndDatabase(TestDatabases.mariadb());
        boolean mariaDb = createPasswordUser();
        try {
            List<String> cases = new ArrayList<>(List.of(
                    "postgresql://postgres:" + SECRET + "Pw@" + pg + "?tablePrefix=probe1_&driver.sslpassword=" + SECRET + "Pw2",
                    "postgresql://" + pg + "?user=postgres&password=" + SECRET + "Pw&tablePrefix=probe2_",
                    "postgresql://postgres:S3cr3t%50w@127.0.0.1:1/x?connectTimeout=1s",
                    "postgresql://postgres:" + SECRET + "Pw@127.0.0.1:5432/nosuchdb_probe24b?connectTimeout=2s",
                    "postgresql://postgres:" + SECRET + "Pw@depot-nowhere.invalid/x?connectTimeout=1s",
                    "postgresql://127.0.0.1/x?user=postgres&password=" + SECRET + "%zzPw",
                    "postgresql://127.0.0.1/x?user=postgres&password=" + SECRET + "Pw%",
                    "postgress://u:" + SECRET + "Pw@h/x",
                    "postgresql:u:" + SECRET + "Pw@h/x",
                    "postgresql://u:" + SECRET + "Pw@h:notaport/x?connectTimeout=1s",
                    "postgresql://postgres:" + SECRET + "Pw@" + pg + "?user=postgres",
                    "postgresql://postgres:" + SECRET + "Pw@" + pg + "?ssl=true&connectTimeout=2s",
                    "postgresql://postgres:" + SECRET + "Pw@" + pg + "?driver.PASSWORD=" + SECRET + "Pw3",
                    "h2:mem:probe24b;PASSWORD=" + SECRET + "Pw",
                    "h2:mem:probe24c;password=" + SECRET + "Pw&tablePrefix=x_",
                    "sqlite:/nonexistent-probe24b/x.db?password=" + SECRET + "Pw",
                    "ddl:postgresql://u:" + SECRET + "Pw@h/x?tablePrefix=app_",
                    "drop:postgresql://u:" + SECRET + "Pw@127.0.0.1:1/x?tablePrefix=app_&connectTimeout=1s",
                    "onpool:postgresql://postgres:" + SECRET + "Pw@" + pg + "?tablePrefix=probe3_",
                    // (A password inside the application's own JDBC URL is logged by pgjdbc at FINE, "Connecting with
                    // URL: ...": the application's pool and driver, not Depot; so it is given as the pool's password.)
                    "datasource:jdbc:postgresql://" + pg + " postgres " + SECRET + "Pw",
                    "datasource:jdbc:postgresql://127.0.0.1:1/x?connectTimeout=1 postgres " + SECRET + "Pw"));
            if (mariaDb) {
                cases.addAll(List.of(
                        "mariadb://" + PW_USER + ":" + SECRET + "Pw@" + md,
                        "mariadb://" + md + "?user=" + PW_USER + "&password=" + RIGHT + "&tablePrefix=probe4_",
                        "mysql://" + PW_USER + ":" + RIGHT + "@127.0.0.1:3306/nosuchdb_probe24b",
                        "mariadb://" + PW_USER + ":" + RIGHT + "@" + md + "?tablePrefix=probe5_&driver.trustStorePassword=" + SECRET + "Pw4",
                        "datasource:jdbc:mariadb://" + md + " " + PW_USER + " " + SECRET + "Pw",
                        "datasource:jdbc:mariadb://" + md + " " + PW_USER + " " + RIGHT));
            }
            String output = runChild(cases);
            java.nio.file.Files.writeString(Path.of("target", "secrets-probe-output.txt"), redactForReport(output));
            assertThat(output).as("the child ran every case").contains("END");
            List<String> leaks = new ArrayList<>();
            String[] parts = output.split("(?m)^CASE ");
            for (String part : parts) {
                Matcher m = Pattern.compile("^(\\d+)").matcher(part);
                String label = m.find() ? cases.get(Integer.parseInt(m.group(1))) : "(before the first case)";
                for (String line : part.split("\n")) {
                    if (line.contains(SECRET) || line.contains("S3cr3t%50w") || line.contains(RIGHT)) {
                        leaks.add("case " + redactForReport(label) + ":\n    " + redactForReport(line.strip()));
                        break;
                    }
                }
            }
            assertThat(leaks).as("cases whose output shows a password (first such line each)").isEmpty();
        } finally {
            dropPasswordUser(mariaDb);
            for (String prefix : List.of("probe1_", "probe2_", "probe3_", "probe_")) {
                TestDatabases.dropTables(TestDatabases.postgres(), prefix);
            }
            if (mariaDb) {
                for (String prefix : List.of("probe4_", "probe5_", "probe_")) {
                    TestDatabases.dropTables(TestDatabases.mariadb(), prefix);
                }
            }
        }
    }

    /** The report names where a leak is without repeating the password. */
    private static String redactForReport(String s) {
        return s.replace(SECRET, "<SECRET>").replace(RIGHT, "<RIGHT>");
    }

    private static String runChild(List<String> cases) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace",
                "-Dorg.slf4j.simpleLogger.log.dev.depot=trace",
                "-Dorg.slf4j.simpleLogger.log.com.zaxxer.hikari=trace",
                "-Dorg.slf4j.simpleLogger.log.org.mariadb=trace",
                "-cp", System.getProperty("java.class.path"), SecretsProbeChild.class.getName()));
        cmd.addAll(cases);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }

    /** {@code host:port/database} of a test URL such as {@code postgresql://postgres@127.0.0.1:5432/test}. */
    private static String hostAndDatabase(String url) {
        String rest = url.substring(url.indexOf("://") + 3);
        rest = rest.substring(rest.lastIndexOf('@') + 1);
        int q = rest.indexOf('?');
        return q < 0 ? rest : rest.substring(0, q);
    }

    /** A MariaDB user with a password (the test servers' own users have none); false if no MariaDB answers. */
    private static boolean createPasswordUser() {
        try (Connection c = mariaDbRoot(); Statement s = c.createStatement()) {
            s.execute("CREATE USER IF NOT EXISTS '" + PW_USER + "'@'%' IDENTIFIED BY '" + RIGHT + "'");
            s.execute("GRANT ALL ON `" + hostAndDatabase(TestDatabases.mariadb()).replaceAll(".*/", "") + "`.* TO '" + PW_USER + "'@'%'");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void dropPasswordUser(boolean created) {
        if (!created) {
            return;
        }
        try (Connection c = mariaDbRoot(); Statement s = c.createStatement()) {
            s.execute("DROP USER IF EXISTS '" + PW_USER + "'@'%'");
        } catch (SQLException e) {
            // nothing to drop
        }
    }

    private static Connection mariaDbRoot() throws SQLException {
        String url = TestDatabases.mariadb();
        String user = url.substring(url.indexOf("://") + 3, url.lastIndexOf('@'));
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("connectTimeout", "2000");
        return DriverManager.getConnection("jdbc:mariadb://" + hostAndDatabase(url), p);
    }
}

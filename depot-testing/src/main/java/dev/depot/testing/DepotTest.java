package dev.depot.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives every test method a fresh {@link dev.depot.Depot}, closed after the test. Declare a {@code
 * Depot} parameter on a test (or {@code @BeforeEach}) method to receive it, and a {@link TestClock}
 * parameter to control the depot's time.
 *
 * <pre>{@code
 * @DepotTest
 * class PlayerServiceTest {
 *     @Test
 *     void savesPlayers(Depot depot) {
 *         new PlayerService(depot).register("ann");
 *         assertThat(depot.records(PLAYERS).count()).isEqualTo(1);
 *     }
 * }
 * }</pre>
 *
 * <p>The depot is a private {@code memory:} depot unless {@link #url()}, {@code depot.test.url} or
 * {@code DEPOT_TEST_URL} says otherwise; within one test, the {@code @BeforeEach} methods and the
 * test method receive the same depot. A {@code Records<K, V>} parameter receives
 * {@code depot.records(schema)} for the one static {@code Schema<K, V>} field found (see
 * {@link #schemas()}).
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(DepotExtension.class)
public @interface DepotTest {

    /**
     * The depot URL. When empty (the default): the system property {@code depot.test.url}, else the
     * environment variable {@code DEPOT_TEST_URL}, else {@code memory:} — a private store per test.
     * So one suite runs in memory locally and on PostgreSQL in CI by setting one variable. On a SQL
     * database each test gets tables of its own (a fresh {@code tablePrefix}, the URL's own prefix
     * shortened plus random characters, else {@code dt_} plus them), dropped with
     * {@code JdbcDepots.drop} when the test ends, so tests may share a database and run in parallel;
     * another shared backend ({@code memory:NAME}, {@code file:}, a SQL URL with {@code ddl=validate}
     * or {@code ddl=none}, whose tables exist beforehand) is cleared before each test.
     */
    String url() default "";

    /**
     * Classes whose static {@code Schema<K, V>} fields may back an injected {@code Records<K, V>}
     * parameter, besides the test class, its enclosing classes and their superclasses. The field is matched by its
     * exact type arguments; none or several matches is an error naming the candidates.
     */
    Class<?>[] schemas() default {};
}

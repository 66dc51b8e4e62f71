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
 * <p>The depot is a private {@code memory:} depot unless {@link #url()} says otherwise; within one
 * test, the {@code @BeforeEach} methods and the test method receive the same depot.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(DepotExtension.class)
public @interface DepotTest {

    /**
     * The depot URL. Default {@code memory:}, a private store per test. A shared backend (a real
     * database) is cleared before each test instead of being new.
     */
    String url() default "memory:";
}

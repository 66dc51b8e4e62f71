package dev.depot.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.autoconfigure.OverrideAutoConfiguration;
import org.springframework.boot.test.context.filter.annotation.TypeExcludeFilters;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.context.BootstrapWith;
import org.springframework.test.context.TestExecutionListeners;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * A test slice for code that uses a {@link dev.depot.Depot}: boots only Depot's auto-configuration
 * (no web layer, no scanned components — {@code @Import} the services under test) on a fresh depot,
 * and empties it before each test method.
 *
 * <pre>{@code
 * @DepotSpringTest
 * @Import(PlayerService.class)
 * class PlayerServiceTest {
 *     @Autowired PlayerService service;
 *     @Autowired Depot depot;
 *
 *     @Test
 *     void registers() {
 *         service.register("ann");
 *         assertThat(depot.records(PLAYERS).count()).isEqualTo(1);
 *     }
 * }
 * }</pre>
 *
 * <p>The depot is {@code memory:} — private to the test context, so contexts never share data —
 * unless the system property {@code depot.test.url} or the environment variable {@code
 * DEPOT_TEST_URL} names another, as for {@code @DepotTest}: one suite then runs in memory locally
 * and on PostgreSQL in CI. {@link #properties()} may set {@code depot.*} (or anything else) too.
 * Spring caches a context, and so its depot, across test classes with the same configuration; the
 * depot is cleared before every test method, so no test sees another's records.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@BootstrapWith(DepotSpringTestContextBootstrapper.class)
@ExtendWith(SpringExtension.class)
@OverrideAutoConfiguration(enabled = false)
@TypeExcludeFilters(DepotTypeExcludeFilter.class)
@TestExecutionListeners(listeners = ClearDepotTestExecutionListener.class,
        mergeMode = TestExecutionListeners.MergeMode.MERGE_WITH_DEFAULTS)
@AutoConfigureDepot
public @interface DepotSpringTest {

    /** Properties ({@code key=value}) added to the context's environment, over the test depot URL. */
    String[] properties() default {};

    /** Whether scanned components pass the default filters; by default none does. */
    boolean useDefaultFilters() default true;

    /** Scanned components to add to the context. */
    Filter[] includeFilters() default {};

    /** Scanned components to leave out. */
    Filter[] excludeFilters() default {};

    /** Auto-configuration to leave out. */
    @AliasFor(annotation = ImportAutoConfiguration.class, attribute = "exclude")
    Class<?>[] excludeAutoConfiguration() default {};
}

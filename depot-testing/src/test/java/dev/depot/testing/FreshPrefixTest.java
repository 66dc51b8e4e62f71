package dev.depot.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The fresh table prefix {@code @DepotTest} gives each test on a SQL URL. */
class FreshPrefixTest {
    private static final Pattern PREFIX = Pattern.compile("[?&]tablePrefix=([^&]*)");

    private static String prefixOf(String url) {
        Matcher m = PREFIX.matcher(url);
        assertThat(m.find()).as(url).isTrue();
        String p = m.group(1);
        assertThat(m.find()).as("one tablePrefix in " + url).isFalse();
        return p;
    }

    @Test
    void sqlUrlsGetAFreshValidPrefixOtherUrlsAreLeftAlone() {
        assertThat(FreshPrefix.applies("postgresql://h/db")).isTrue();
        assertThat(FreshPrefix.applies("jdbc:mariadb://h/db")).isTrue();
        assertThat(FreshPrefix.applies("h2:mem:x")).isTrue();
        assertThat(FreshPrefix.applies("memory:")).isFalse();
        assertThat(FreshPrefix.applies("memory:shared")).isFalse();
        assertThat(FreshPrefix.applies("file:/tmp/x")).isFalse();
        assertThat(FreshPrefix.applies("postgresql://h/db?ddl=validate")).as("tables made beforehand: cleared instead").isFalse();
        assertThat(FreshPrefix.applies("postgresql://h/db?tablePrefix=a_&ddl=none")).isFalse();
        assertThat(FreshPrefix.applies("postgresql://h/db?ddl=create")).isTrue();

        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String p = prefixOf(FreshPrefix.apply("postgresql://h/db"));
            assertThat(p).matches("dt_[a-z0-9]{8}_");
            seen.add(p);
        }
        assertThat(seen).as("no two tests share a prefix").hasSize(1000);
    }

    @Test
    void keepsOtherParametersAndShortensTheUrlsOwnPrefix() {
        String url = FreshPrefix.apply("postgresql://h/db?poolSize=3&tablePrefix=verylongprefix_xyz&ddl=create");
        assertThat(url).startsWith("postgresql://h/db?poolSize=3&tablePrefix=verylongpre").endsWith("&ddl=create");
        assertThat(prefixOf(url)).matches("verylongpre[a-z0-9]{8}_").hasSizeLessThanOrEqualTo(20);
        assertThat(prefixOf(FreshPrefix.apply("mariadb://h/db?tablePrefix=ci_"))).matches("ci_[a-z0-9]{8}_");
        assertThat(FreshPrefix.apply("h2:mem:x?poolSize=2")).matches("h2:mem:x\\?poolSize=2&tablePrefix=dt_[a-z0-9]{8}_");
    }
}

package dev.depot.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DepotUrlTest {
    @Test
    void splitsSchemeFromTheRest() {
        DepotUrl url = DepotUrl.parse("H2:mem:test");
        assertThat(url.scheme()).isEqualTo("h2");
        assertThat(url.rest()).isEqualTo("mem:test");
    }

    @Test
    void printsWithoutPasswords() {
        DepotUrl url = DepotUrl.parse("postgresql://app:s3cret@db:5432/app?ssl=true&password=other");
        assertThat(url.toString()).doesNotContain("s3cret").doesNotContain("other")
                .isEqualTo("postgresql://app:***@db:5432/app?ssl=true&password=***");
        assertThat(url.secret()).contains("s3cret");
    }

    @Test
    void leavesUrlsWithoutPasswordsAlone() {
        assertThat(DepotUrl.parse("mariadb://root@127.0.0.1:3306/test").toString())
                .isEqualTo("mariadb://root@127.0.0.1:3306/test");
    }

    @Test
    void rejectsTextWithoutASchemeAndDoesNotEchoPasswords() {
        assertThatThrownBy(() -> DepotUrl.parse("no-scheme-here")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DepotUrl.parse(":x?password=hunter2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void userInfoEndsAtTheLastAtAndIsPercentDecodedOnce() {
        DepotUrl raw = DepotUrl.parse("postgresql://app:p/a@s?s#w:o%zz+ é@db:5432/app?ssl=true");
        assertThat(raw.user()).contains("app");
        assertThat(raw.password()).contains("p/a@s?s#w:o%zz+ é");
        assertThat(raw.withoutCredentials()).isEqualTo("postgresql://db:5432/app?ssl=true");
        assertThat(raw.toString()).isEqualTo("postgresql://app:***@db:5432/app?ssl=true");

        DepotUrl encoded = DepotUrl.parse("jdbc:mariadb://a%40b:p%2F%40%3F%2B%20%F0%9F%98%80@db/app");
        assertThat(encoded.user()).contains("a@b");
        assertThat(encoded.password()).contains("p/@?+ \uD83D\uDE00");
        assertThat(encoded.withoutCredentials()).isEqualTo("jdbc:mariadb://db/app");
        assertThat(encoded.toString()).isEqualTo("jdbc:mariadb://a%40b:***@db/app");

        assertThat(DepotUrl.parse("mariadb://root@db/app").password()).isEmpty();
        assertThat(DepotUrl.parse("h2:mem:x").user()).isEmpty();
    }

    @Test
    void malformedUrlsAreRedactedToo() {
        assertThat(DepotUrl.redact("postgresql:app:s3/cr@et@db/app")).isEqualTo("postgresql:***@db/app");
        assertThat(DepotUrl.redact("//app:s3/cr@et@db/app")).doesNotContain("s3/cr");
    }
}

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
}

package dev.depot.jdbc;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.tck.CommitHold;
import dev.depot.tck.DepotFixture;
import dev.depot.testing.TestClock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** Opens depots on one database URL with default options and the kit's clock. */
final class JdbcFixture implements DepotFixture {
    private final String name;
    private final String url;
    private final String credential;

    JdbcFixture(String name, String url, String credential) {
        this.name = name;
        this.url = url;
        this.credential = credential;
    }

    @Override
    public Depot open(TestClock clock) {
        return Depot.open(url, DepotOptions.defaults().clock(clock));
    }

    @Override
    public String name() {
        return name;
    }

    /** On databases with more than one writer: held through {@link CommitProbe}. */
    @Override
    public Optional<CommitHold> commitHold() {
        String scheme = url.substring(0, url.indexOf(':'));
        return Dialect.forScheme(scheme).parallelWriters() ? Optional.of(new ProbeHold()) : Optional.empty();
    }

    /** Arms {@link CommitProbe} for the next commit that stages an event of a key. */
    static final class ProbeHold implements CommitHold {
        @Override
        public void holdNext(String keyText, Runnable whileHeld) {
            AtomicBoolean fired = new AtomicBoolean();
            CommitProbe.install(events -> {
                if (events.stream().anyMatch(e -> e.key().equals(keyText)) && fired.compareAndSet(false, true)) {
                    CommitProbe.install(null);
                    whileHeld.run();
                }
            });
        }

        @Override
        public void disarm() {
            CommitProbe.install(null);
        }
    }

    @Override
    public Optional<String> credential() {
        return Optional.ofNullable(credential);
    }

    /** The suite is over: its tables go now rather than when the JVM exits. */
    @Override
    public void close() {
        int q = url.indexOf("tablePrefix=");
        if (q >= 0) {
            int end = url.indexOf('&', q);
            TestDatabases.release(url, url.substring(q + "tablePrefix=".length(), end < 0 ? url.length() : end));
        }
    }
}

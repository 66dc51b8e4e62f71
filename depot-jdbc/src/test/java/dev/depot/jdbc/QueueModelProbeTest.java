package dev.depot.jdbc;

import static dev.depot.jdbc.QueueTxProbeTest.START;

import dev.depot.Depot;
import dev.depot.ItemState;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.Page;
import dev.depot.QueueItem;
import dev.depot.QueueOptions;
import dev.depot.WorkQueue;
import dev.depot.testing.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A long randomized program of queue operations, the same on memory and on each SQL backend (a
 * seeded {@link Random} decides every step from what the backend answered, so the two runs take the
 * same path as long as they answer alike), compared as transcripts. Beside {@link
 * QueueDifferentialProperties} (many short programs) it runs few long ones, and its clock also goes
 * back (by a second, by twenty) and is reset after a {@code depot.clear()}, as tests sharing a store
 * do. Seeds are fixed, so a failure reproduces; {@code -Ddepot.queueModel.seed=N} runs another.
 */
class QueueModelProbeTest {
    static final String PREFIX = "qmp_";
    static final int STEPS = 500;

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void longRandomProgramsAnswerAlikeOnMemoryAndSql(String db, TestDatabases.UrlSource opener) throws Exception {
        String given = System.getProperty("depot.queueModel.seed");
        long[] seeds = given != null ? new long[] {Long.parseLong(given)} : new long[] {1, 2, 3};
        for (long seed : seeds) {
            QueueTxProbeTest.compare(PREFIX, db + " seed " + seed, opener, (depot, clock, log) -> new Program(seed, depot, clock, log).run());
        }
    }

    static final Duration[] TICKS = {Duration.ofNanos(999), Duration.ofNanos(1_000), Duration.ofMillis(1), Duration.ofSeconds(1),
        Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(31)};
    static final Duration[] DELAYS = {Duration.ZERO, Duration.ofNanos(1_000), Duration.ofSeconds(2), Duration.ofSeconds(30)};
    static final Duration[] EXTENSIONS = {Duration.ofMillis(1), Duration.ofSeconds(3), Duration.ofSeconds(40)};
    static final Duration[] EXPIRIES = {Duration.ofMillis(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(20)};

    static final class Program {
        final Random random;
        final Depot depot;
        final TestClock clock;
        final QueueTxProbeTest.Log log;
        final List<Lease> held = new ArrayList<>();
        final List<String> ids = new ArrayList<>();
        int made;
        WorkQueue a;
        WorkQueue d;

        Program(long seed, Depot depot, TestClock clock, QueueTxProbeTest.Log log) {
            this.random = new Random(seed);
            this.depot = depot;
            this.clock = clock;
            this.log = log;
        }

        void run() {
            d = depot.queue("d", QueueOptions.leaseTimeout(Duration.ofSeconds(5)).maxAttempts(2).deadRetention(Duration.ofMinutes(2)));
            a = depot.queue("a", QueueOptions.leaseTimeout(Duration.ofSeconds(10)).maxAttempts(3).deadLetter("d"));
            for (int step = 0; step < STEPS; step++) {
                step(step);
                if (step % 25 == 24) {
                    add(step + " state", () -> log.stats(a.stats()) + " " + log.items(a) + " | " + log.stats(d.stats()) + " " + log.items(d));
                }
            }
            add("final", () -> log.stats(a.stats()) + " " + log.items(a) + " | " + log.stats(d.stats()) + " " + log.items(d));
        }

        /**
         * Logs as {@link QueueTxProbeTest.Log#add}, naming raw item ids in messages as the transcript
         * does elsewhere: ids are the backends' own (a failed SQL commit has used up the ids it
         * reserved, memory numbers only what it applies), and no part of the contract.
         */
        void add(String what, QueueTxProbeTest.Call call) {
            log.add(what, call);
            int last = log.lines.size() - 1;
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("item (\\d+)").matcher(log.lines.get(last));
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, "item " + log.id(m.group(1)));
            }
            m.appendTail(out);
            log.lines.set(last, out.toString());
        }

        <T> T pick(T[] options) {
            return options[random.nextInt(options.length)];
        }

        WorkQueue queue() {
            return random.nextInt(5) == 0 ? d : a;
        }

        Message message() {
            Message m = Message.of("m" + made++);
            if (random.nextInt(4) == 0) {
                m = m.dedupKey("k" + random.nextInt(4));
            }
            if (random.nextInt(5) == 0) {
                long[] offsets = {-5_000_000, 0, 1, 3_000_000, 10_000_000};
                m = m.notBefore(clock.instant().plusNanos(1_000 * offsets[random.nextInt(offsets.length)]));
            }
            if (random.nextInt(5) == 0) {
                m = m.expireAfter(pick(EXPIRIES));
            }
            if (random.nextInt(8) == 0) {
                m = m.header("h", "v" + random.nextInt(3));
            }
            return m;
        }

        /** A lease this run was given (current or not), or null. */
        Lease held() {
            if (held.isEmpty()) {
                return null;
            }
            // Mostly one of the latest (likely current), sometimes any (likely stale).
            int n = held.size();
            return random.nextInt(4) == 0 ? held.get(random.nextInt(n)) : held.get(n - 1 - random.nextInt(Math.min(n, 3)));
        }

        List<Lease> heldBatch() {
            List<Lease> out = new ArrayList<>();
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n && !held.isEmpty(); i++) {
                Lease l = held();
                if (out.stream().noneMatch(o -> o.id().equals(l.id()) && o.queue().equals(l.queue()))) {
                    out.add(l);
                }
            }
            return out;
        }

        WorkQueue of(Lease l) {
            return l.queue().equals("a") ? a : d;
        }

        String named(List<String> produced) {
            produced.forEach(i -> {
                if (!ids.contains(i)) {
                    ids.add(i);
                }
            });
            return produced.stream().map(log::id).toList().toString();
        }

        void step(int step) {
            String s = step + " ";
            int op = random.nextInt(100);
            if (op < 18) {
                WorkQueue q = queue();
                int n = 1 + random.nextInt(random.nextInt(4) == 0 ? 4 : 1);
                List<Message> ms = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    ms.add(message());
                }
                add(s + "produce " + q.name() + " " + ms.size(), () -> named(q.produce(ms)));
            } else if (op < 34) {
                WorkQueue q = queue();
                int max = 1 + random.nextInt(4);
                add(s + "lease " + q.name() + " " + max, () -> {
                    List<Lease> got = q.lease("w" + random.nextInt(3), max, Duration.ZERO);
                    held.addAll(got);
                    return log.leases(got);
                });
            } else if (op < 44) {
                Lease l = held();
                if (l != null) {
                    add(s + "complete " + log.id(l.id()) + "/" + l.attempt(), () -> {
                        of(l).complete(l);
                        return "ok";
                    });
                }
            } else if (op < 48) {
                List<Lease> ls = heldBatch();
                if (!ls.isEmpty() && ls.stream().allMatch(l -> l.queue().equals(ls.getFirst().queue()))) {
                    add(s + "complete batch", () -> {
                        var r = of(ls.getFirst()).complete(ls);
                        return r.applied().size() + " applied " + r.stale().size() + " stale";
                    });
                }
            } else if (op < 56) {
                Lease l = held();
                Duration delay = pick(DELAYS);
                if (l != null) {
                    add(s + "retry " + log.id(l.id()) + "/" + l.attempt() + " by " + delay, () -> {
                        of(l).retry(l, delay);
                        return log.stats(of(l).stats());
                    });
                }
            } else if (op < 59) {
                List<Lease> ls = heldBatch();
                Duration delay = pick(DELAYS);
                if (!ls.isEmpty() && ls.stream().allMatch(l -> l.queue().equals(ls.getFirst().queue()))) {
                    add(s + "retry batch by " + delay, () -> {
                        var r = of(ls.getFirst()).retry(ls, delay);
                        return r.applied().size() + " applied " + r.stale().size() + " stale";
                    });
                }
            } else if (op < 62) {
                Lease l = held();
                if (l != null) {
                    add(s + "dead-letter " + log.id(l.id()) + "/" + l.attempt(), () -> {
                        of(l).deadLetter(l, "bad " + step);
                        return log.stats(a.stats()) + " | " + log.stats(d.stats());
                    });
                }
            } else if (op < 66) {
                Lease l = held();
                Duration by = pick(EXTENSIONS);
                if (l != null) {
                    add(s + "extend " + log.id(l.id()) + "/" + l.attempt() + " by " + by, () -> {
                        Lease x = of(l).extend(l, by);
                        held.add(x);
                        return log.lease(x);
                    });
                }
            } else if (op < 72) {
                Lease l = held();
                boolean fail = random.nextInt(4) == 0;
                int settle = random.nextInt(3);
                Message m = message();
                add(s + "transaction " + (l == null ? "-" : log.id(l.id()) + "/" + l.attempt()) + " settle " + settle + " fail " + fail,
                        () -> depot.transact(tx -> {
                            tx.queue("a").produce(m);
                            if (l != null) {
                                switch (settle) {
                                    case 0 -> tx.queue(l.queue()).complete(l);
                                    case 1 -> tx.queue(l.queue()).retry(l, Duration.ofSeconds(2));
                                    default -> tx.queue(l.queue()).deadLetter(l, "tx " + step);
                                }
                            }
                            if (fail) {
                                throw new IllegalStateException("rolled back");
                            }
                            return "committed";
                        }) + " " + log.stats(a.stats()) + " | " + log.stats(d.stats()));
            } else if (op < 84) {
                Duration by = pick(TICKS);
                clock.advance(by);
                add(s + "tick " + by, () -> log.stats(a.stats()));
            } else if (op < 86) {
                Duration back = random.nextBoolean() ? Duration.ofSeconds(1) : Duration.ofSeconds(20);
                clock.advance(back.negated());
                add(s + "clock back " + back, () -> log.stats(a.stats()) + " | " + log.stats(d.stats()));
            } else if (op < 90) {
                WorkQueue q = queue();
                ItemState state = random.nextInt(3) == 0 ? ItemState.values()[random.nextInt(ItemState.values().length)] : null;
                int limit = 1 + random.nextInt(4);
                add(s + "list " + q.name() + " " + state + " by " + limit, () -> {
                    List<String> pages = new ArrayList<>();
                    String cursor = null;
                    do {
                        Page<QueueItem> p = q.list(state, limit, cursor);
                        pages.add(p.items().stream().map(i -> log.id(i.id()) + ":" + i.state()).toList().toString());
                        cursor = p.nextCursor();
                    } while (cursor != null);
                    return pages;
                });
            } else if (op < 93) {
                if (!ids.isEmpty()) {
                    String id = ids.get(random.nextInt(ids.size()));
                    WorkQueue q = queue();
                    add(s + "inspect " + q.name() + " " + log.id(id), () -> q.inspect(id).map(log::item).orElse("none"));
                }
            } else if (op < 96) {
                QueueOptions o = QueueOptions.leaseTimeout(random.nextBoolean() ? Duration.ofSeconds(2) : Duration.ofSeconds(10))
                        .maxAttempts(1 + random.nextInt(3)).deadLetter("d").deadRetention(Duration.ofMinutes(1 + random.nextInt(3)));
                add(s + "options of a " + o, () -> depot.queue("a", o).options());
            } else if (op < 98) {
                add(s + "clear a", () -> a.clear());
            } else if (op < 99) {
                add(s + "stats d", () -> log.stats(d.stats()));
            } else {
                add(s + "depot clear, clock back to the start", () -> {
                    depot.clear();
                    clock.set(START.plus(Duration.ofSeconds(random.nextInt(30))));
                    held.clear();
                    d = depot.queue("d", QueueOptions.leaseTimeout(Duration.ofSeconds(5)).maxAttempts(2).deadRetention(Duration.ofMinutes(2)));
                    a = depot.queue("a", QueueOptions.leaseTimeout(Duration.ofSeconds(10)).maxAttempts(3).deadLetter("d"));
                    return log.stats(a.stats());
                });
            }
        }
    }
}

package dev.depot.cli;

import java.io.PrintWriter;

/**
 * A one-line progress bar redrawn in place on a terminal ({@code \r}), and nothing at all otherwise,
 * so that logs and pipes get only the final summary. Redraws at most every 100 ms.
 */
final class Progress {
    private static final int WIDTH = 30;
    private final PrintWriter out;
    private final boolean terminal;
    private long lastDraw;
    private boolean drawn;

    Progress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Whether standard output is an interactive terminal. */
    static boolean onTerminal() {
        return System.console() != null; // Java 21: null when standard streams are redirected
    }

    /** Shows {@code done} of {@code total} (total 0: unknown) with a label. */
    void show(String label, long done, long total, String detail) {
        if (!terminal) {
            return;
        }
        long now = System.nanoTime();
        if (drawn && now - lastDraw < 100_000_000L && done != total) {
            return;
        }
        lastDraw = now;
        drawn = true;
        String bar;
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, done * WIDTH / total);
            bar = "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + done + "/" + total;
        } else {
            bar = done + "";
        }
        out.print("\r\033[K" + label + " " + bar + (detail == null ? "" : " " + detail));
        out.flush();
    }

    /** Ends the bar's line, if one was drawn. */
    void end() {
        if (terminal && drawn) {
            out.println();
            out.flush();
            drawn = false;
        }
    }

    /** {@code 1.5 MiB}-style sizes for summaries. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}

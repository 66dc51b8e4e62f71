package dev.depot.cli;

import dev.depot.Depot;
import dev.depot.server.ApiKeys;
import dev.depot.server.DepotServer;
import dev.depot.server.ServerConfig;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code depot serve}: serves a depot over HTTP. The URL comes from {@code --url}, else
 * {@code DEPOT_URL}, else {@code DATABASE_URL} (as {@link Depot#fromEnvironment()}), else
 * {@code memory:}. Prints where it listens (never the database URL, which may hold a password) and
 * stops gracefully on Ctrl-C / SIGTERM.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves a depot over HTTP/JSON (records, batches, blobs, queues, change feed, metrics, OpenAPI).",
                "The database is --url, else DEPOT_URL, else DATABASE_URL, else memory: (ephemeral)."})
final class ServeCommand implements Runnable {

    /** Starts what {@code serve} serves; the test replaces it so that no port is bound. */
    interface Starter {
        Running start(String url, ServerConfig config);
    }

    /** A started server: where it listens and how to stop it. */
    interface Running extends AutoCloseable {
        String url();

        @Override
        void close();
    }

    @Option(names = "--url", paramLabel = "URL",
            description = "Depot URL: memory:, postgresql://…, mariadb://…, h2:…, sqlite:…, file:DIR (default: $DEPOT_URL, $DATABASE_URL, memory:).")
    String url;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "Port to listen on, 0 for any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", paramLabel = "H", defaultValue = "127.0.0.1",
            description = "Interface to bind; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "1048576",
            description = "Largest request body accepted (default: ${DEFAULT-VALUE}).")
    long maxBody;

    @Option(names = "--max-blob", paramLabel = "BYTES", defaultValue = "1073741824",
            description = "Largest blob a PUT accepts, streamed (default: ${DEFAULT-VALUE}).")
    long maxBlob;

    @Option(names = "--api-keys", paramLabel = "SPEC",
            description = {"API keys: @FILE (lines 'sha256:HEX ROLE TENANTS') or inline 'KEY ROLE TENANTS; ...'",
                    "(default: $DEPOT_API_KEYS; none: an open server). Roles read, write, admin; tenants a,b or *."})
    String apiKeys;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> env;
    private final Starter starter;
    private final boolean block;

    /** The real command: the process environment, a real server, runs until the process is stopped. */
    ServeCommand() {
        this(System.getenv(), ServeCommand::startServer, true);
    }

    ServeCommand(Map<String, String> env, Starter starter, boolean block) {
        this.env = env;
        this.starter = starter;
        this.block = block;
    }

    @Override
    public void run() {
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be 0..65535, was " + port);
        }
        if (maxBody < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-body must be positive, was " + maxBody);
        }
        if (maxBlob < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-blob must be positive, was " + maxBlob);
        }
        String depotUrl = resolveUrl(url, env);
        ApiKeys keys;
        try {
            keys = ApiKeys.fromEnvironment(apiKeys != null ? apiKeys : env.get("DEPOT_API_KEYS"));
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            // The message names the entry and the rule, never the key.
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        ServerConfig config = ServerConfig.of(host, port).withMaxBodyBytes(maxBody).withMaxBlobBytes(maxBlob).withApiKeys(keys);
        Running running = starter.start(depotUrl, config);
        PrintWriter out = spec.commandLine().getOut();
        out.println("Depot (" + scheme(depotUrl) + ") listening on " + running.url() + " (Ctrl-C stops)");
        if (keys.enabled()) {
            out.println("API keys required: " + keys.size() + " key(s) configured.");
        }
        if (scheme(depotUrl).equals("memory")) {
            out.println("The data is in memory and is lost when this process ends; set DEPOT_URL or --url to keep it.");
        }
        out.flush();
        if (!block) {
            running.close();
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "depot-serve-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code --url}, else DEPOT_URL, else DATABASE_URL, else {@code memory:}; blanks count as unset. */
    static String resolveUrl(String option, Map<String, String> env) {
        for (String candidate : new String[] {option, env.get("DEPOT_URL"), env.get("DATABASE_URL")}) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate.trim();
            }
        }
        return "memory:";
    }

    /** The scheme alone: what is safe to print about a URL that may carry a password. */
    static String scheme(String url) {
        int colon = url.indexOf(':');
        return colon < 0 ? url : url.substring(0, colon);
    }

    private static Running startServer(String url, ServerConfig config) {
        Depot depot = Depot.open(url);
        DepotServer server;
        try {
            server = DepotServer.start(depot, config);
        } catch (RuntimeException e) {
            depot.close();
            throw e;
        }
        return new Running() {
            @Override
            public String url() {
                return server.url();
            }

            @Override
            public void close() {
                try {
                    server.close();
                } finally {
                    depot.close();
                }
            }
        };
    }
}

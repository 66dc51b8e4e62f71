package dev.depot.server;

import dev.depot.Depot;
import dev.depot.Health;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Liveness (the process answers) and readiness (the backend answers and the server is not stopping). */
final class HealthHandlers {
    private final Depot depot;
    private final BooleanSupplier stopping;

    HealthHandlers(Depot depot, BooleanSupplier stopping) {
        this.depot = depot;
        this.stopping = stopping;
    }

    void live(Context ctx) {
        ctx.json(Map.of("status", "up"));
    }

    void ready(Context ctx) {
        Health h = depot.health();
        boolean up = h.up() && !stopping.getAsBoolean();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", up ? "up" : "down");
        out.put("backend", h.backend());
        out.put("latencyMillis", h.latency() == null ? null : h.latency().toMillis());
        if (!h.up()) {
            out.put("detail", h.detail());
        } else if (stopping.getAsBoolean()) {
            out.put("detail", "the server is stopping");
        }
        ctx.status(up ? 200 : 503).json(out);
    }
}

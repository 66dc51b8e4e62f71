package dev.depot.server;

import io.javalin.http.Context;

/** Names the route template of a request, which the access log and error log use instead of its path (paths carry keys). */
final class Routes {
    static final String TEMPLATE = "depot.route";

    private Routes() {}

    static String template(Context ctx) {
        Object t = ctx.attribute(TEMPLATE);
        return t == null ? "(no route)" : t.toString();
    }
}

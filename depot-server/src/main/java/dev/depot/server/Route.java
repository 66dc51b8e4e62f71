package dev.depot.server;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * One route of the server: what the router, the access check, the metrics and the OpenAPI document
 * all read, so that they cannot disagree.
 *
 * @param method the HTTP method
 * @param path the Javalin path template ({@code {name}} one segment, {@code <path>} the rest)
 * @param role the least role a key needs, or null for an open route
 * @param global whether the key must hold every tenant ({@code *}), for cross-tenant routes
 * @param tag the OpenAPI tag (records, blobs, queues, ...)
 * @param summary one line for the OpenAPI document
 * @param handler what runs
 */
record Route(HandlerType method, String path, Role role, boolean global, String tag, String summary, Handler handler) {

    /** The OpenAPI form of the path: {@code <path>} becomes {@code {path}}. */
    String openApiPath() {
        return path.replace('<', '{').replace('>', '}');
    }
}

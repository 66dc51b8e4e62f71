package dev.depot;

import java.time.Duration;

/**
 * Result of {@link Depot#health()}.
 *
 * @param up whether the backend answered
 * @param backend the backend's scheme
 * @param latency how long the ping took
 * @param detail a short reason when down (never credentials)
 */
public record Health(boolean up, String backend, Duration latency, String detail) {}

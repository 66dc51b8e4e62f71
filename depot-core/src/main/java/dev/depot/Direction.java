package dev.depot;

/** Sort direction of a query. Ties are always broken by key ascending, in both directions. */
public enum Direction {
    ASC,
    DESC
}

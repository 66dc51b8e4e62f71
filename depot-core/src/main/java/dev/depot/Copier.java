package dev.depot;

/**
 * Copies one part of a value graph: the mutable parts afresh, immutable leaves shared. Built once
 * per declared type by {@link CopierBuilder}; never reflects per call. A part whose runtime shape
 * the copier was not built for throws {@link Uncopyable}, and the whole read falls back to a decode.
 */
interface Copier {
    /** Shares the value: it is a deeply immutable leaf (a string, a number, an immutable record...). */
    Copier SHARE = value -> value;

    /** A copy of {@code value} (null stays null); throws {@link Uncopyable} for an unexpected shape. */
    Object copy(Object value);
}

package dev.depot.spi;

import dev.depot.BackendUnavailableException;
import dev.depot.StorageFullException;

/**
 * The one rule for a write that the store's disk has no room for (contract §1 "Crashes and full
 * disks"), shared by every backend: the call throws {@link StorageFullException}, a
 * {@link BackendUnavailableException}, saying the disk is full and what it was writing — never a bare {@code IOException} on one backend and a
 * driver error on another — so code that retries an unavailable backend retries this too, and the
 * depot works again by itself once space is freed. What such a write left is what any
 * {@code BackendUnavailableException} of that call means.
 */
public final class StorageFull {
    private StorageFull() {}

    /**
     * Whether {@code e} or one of its causes is an I/O error that says the disk (or the user's quota)
     * is full: Linux's {@code ENOSPC} and {@code EDQUOT} texts, Windows' "not enough space".
     */
    public static boolean causedBy(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.io.IOException && says(c.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /** Whether an I/O error's message is the operating system's "no space" text. */
    public static boolean says(String message) {
        return message != null && (message.contains("No space left on device") || message.contains("Disk quota exceeded")
                || message.contains("not enough space on the disk"));
    }

    /** The exception for a write that {@code what} describes ("writing to collection 'x' (url)") and that found the disk full. */
    public static StorageFullException exception(String what, Throwable cause) {
        return new StorageFullException("no space while " + what + ": the disk is full; free space and retry"
                + " (the depot works again by itself)", cause);
    }
}

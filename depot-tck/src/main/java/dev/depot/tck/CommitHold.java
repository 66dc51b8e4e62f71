package dev.depot.tck;

/**
 * A test seam of a backend that promises parallel commits: holds one commit inside the backend while
 * it is being applied (its writes made, not yet visible), so the kit can show, without measuring
 * time, that commits of other keys complete meanwhile. Returned by {@link DepotFixture#commitHold()}.
 */
public interface CommitHold {

    /**
     * Arms the hold once: the next commit that writes the key whose text is {@code keyText} runs
     * {@code whileHeld} on its own thread at the point where it is held, then goes on committing.
     */
    void holdNext(String keyText, Runnable whileHeld);

    /** Disarms a hold that has not fired. */
    void disarm();
}

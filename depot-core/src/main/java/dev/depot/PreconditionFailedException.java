package dev.depot;

/**
 * Thrown when a conditional blob write ({@link WriteOptions#ifNoneMatch()}, {@link
 * WriteOptions#ifMatch(String)}) finds, at the moment it would publish, that the condition does not
 * hold. Nothing was published; the blob at the path is unchanged.
 */
public class PreconditionFailedException extends DepotException {
    public PreconditionFailedException(String message) {
        super(message);
    }
}

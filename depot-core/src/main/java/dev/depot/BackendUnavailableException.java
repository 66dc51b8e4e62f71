package dev.depot;

/**
 * The backend could not be reached or dropped the connection mid-call. The cause is the driver's
 * exception. Whether the failed call took effect is unknown unless it ran in a transaction, which is
 * then rolled back. The depot recovers by itself once the backend answers again.
 */
public class BackendUnavailableException extends DepotException {
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

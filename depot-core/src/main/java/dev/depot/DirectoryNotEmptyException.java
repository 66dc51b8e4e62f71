package dev.depot;

/** Thrown by {@link Blobs#rmdir(String)} when the directory still holds a blob or a directory; nothing changed. */
public class DirectoryNotEmptyException extends DepotException {
    public DirectoryNotEmptyException(String message) {
        super(message);
    }
}

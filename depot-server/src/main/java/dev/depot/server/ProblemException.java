package dev.depot.server;

/**
 * A request the server refuses, turned into an RFC 9457 problem document. The detail names what was
 * wrong (collection, field, header) and never a stored value.
 */
final class ProblemException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String type;
    private final String title;

    ProblemException(int status, String type, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    static ProblemException badRequest(String type, String detail) {
        return new ProblemException(400, type, "Bad request", detail);
    }

    static ProblemException notFound(String type, String detail) {
        return new ProblemException(404, type, "Not found", detail);
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }

    String title() {
        return title;
    }
}

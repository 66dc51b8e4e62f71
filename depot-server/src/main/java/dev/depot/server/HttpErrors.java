package dev.depot.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answer to a request it refuses before any route sees it (a URI with an encoded NUL or
 * invalid UTF-8, a control character in a header, headers too large): a problem document like every
 * other error, instead of Jetty's HTML page or an empty body. The detail is fixed per status and
 * never repeats Jetty's message, which may quote the request.
 */
final class HttpErrors extends ErrorHandler {
    /** Every method gets the document (Jetty's handler writes a body only for GET, POST and HEAD). */
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int code = request.getAttribute(ERROR_STATUS) instanceof Integer status ? status : response.getStatus();
        if (HttpStatus.hasNoBody(code) || HttpMethod.HEAD.is(request.getMethod())) {
            callback.succeeded();
            return true;
        }
        generateCacheControl(response);
        generateResponse(request, response, code, null, null, callback);
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        String title = HttpStatus.getMessage(code);
        String detail = switch (code) {
            case 400 -> "the request is not valid HTTP: its URI (an encoded NUL, invalid UTF-8, an ambiguous segment), a header or its framing";
            case 414 -> "the request URI is too long";
            case 431 -> "the request headers are too large";
            default -> "the server refused the request before reading it";
        };
        String body = "{\"type\":\"" + Problems.BASE + "bad-http\",\"title\":\"" + title + "\",\"status\":" + code
                + ",\"detail\":\"" + detail + "\"}";
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}

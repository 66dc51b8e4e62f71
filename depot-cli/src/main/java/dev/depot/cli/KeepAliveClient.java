package dev.depot.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 keep-alive connection over a blocking socket, the load generator of {@code depot
 * bench} and of depot-bench's {@code HttpBench}: each request is written with one {@code write}
 * (head and body together, {@code TCP_NODELAY}), each response read whole ({@code Content-Length}
 * or chunked). Like wrk, it costs the machine next to nothing per request, so the server is what a
 * benchmark measures; the JDK's {@code HttpClient}, driven synchronously from 8 threads, cost more
 * CPU than the server it measured on this 2-core machine (see docs/BENCHMARKS.md).
 *
 * <p>Not thread-safe: one connection per client thread. Not a general client: no redirects, no TLS,
 * no {@code 100-continue}; a response that closes the connection makes the next request reconnect.
 */
public final class KeepAliveClient implements AutoCloseable {
    /** A status and the response's body. */
    public record Response(int status, byte[] body) {
        /** The body as UTF-8 text. */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final String host;
    private final int port;
    private final byte[] hostHeader;
    private final ByteArrayOutputStream request = new ByteArrayOutputStream(1024);
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean closeAfter;

    /** Connects to {@code host:port}. */
    public KeepAliveClient(String host, int port) throws IOException {
        this.host = host;
        this.port = port;
        this.hostHeader = ("Host: " + host + ":" + port + "\r\n").getBytes(StandardCharsets.US_ASCII);
        connect();
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        in = new BufferedInputStream(socket.getInputStream(), 65_536);
        out = socket.getOutputStream();
        closeAfter = false;
    }

    /** Sends {@code method path} with a JSON {@code body} (null for none) and reads the whole response. */
    public Response send(String method, String path, byte[] body) throws IOException {
        if (closeAfter) {
            socket.close();
            connect();
        }
        request.reset();
        request.write((method + " " + path + " HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII));
        request.write(hostHeader);
        if (body != null) {
            request.write(("Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            request.write(body);
        } else {
            request.write('\r');
            request.write('\n');
        }
        request.writeTo(out);
        out.flush();
        return read(method.equals("HEAD"));
    }

    private Response read(boolean head) throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        for (String h; !(h = line()).isEmpty(); ) {
            int colon = h.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
                chunked = true;
            } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                closeAfter = true;
            }
        }
        if (head || status == 204 || status == 304 || (status >= 100 && status < 200)) {
            return new Response(status, new byte[0]);
        }
        if (chunked) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size; (size = Integer.parseInt(stripExtension(line()), 16)) > 0; ) {
                body.write(in.readNBytes(size));
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
            return new Response(status, body.toByteArray());
        }
        if (length < 0) {
            closeAfter = true;
            return new Response(status, in.readAllBytes());
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new EOFException("the connection closed inside a response body");
        }
        return new Response(status, body);
    }

    private static String stripExtension(String chunkSize) {
        int semi = chunkSize.indexOf(';');
        return (semi < 0 ? chunkSize : chunkSize.substring(0, semi)).trim();
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new EOFException("the server closed the connection");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

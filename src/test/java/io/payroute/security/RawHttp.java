package io.payroute.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payroute.support.ApiTestSupport.Response;

/**
 * HTTP/1.1 over a plain socket, one request per connection. The fuzz suite needs what java.net.http refuses to
 * send: CR/LF and other bytes in header values, restricted headers (Host, Content-Length, Transfer-Encoding),
 * any method token and raw request targets.
 */
final class RawHttp {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TIMEOUT_MS = 30_000;

    private RawHttp() {
    }

    /**
     * Sends {@code request} as given: its header lines are written byte for byte (ISO-8859-1 for text, the
     * body's own bytes), with Host, Connection: close and, unless the request sets framing itself,
     * Content-Length added.
     */
    static Response send(int port, HostileInputs.FuzzCase request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            write(head, request.method() + " " + request.target() + " HTTP/1.1\r\n");
            write(head, "Host: 127.0.0.1:" + port + "\r\n");
            write(head, "Connection: close\r\n");
            boolean framed = false;
            for (String[] h : request.headers()) {
                write(head, h[0] + ": " + h[1] + "\r\n");
                framed |= h[0].equalsIgnoreCase("Content-Length") || h[0].equalsIgnoreCase("Transfer-Encoding");
            }
            byte[] body = request.body() == null ? new byte[0] : request.body();
            if (!framed && (body.length > 0 || !request.method().equals("GET") && !request.method().equals("HEAD"))) {
                write(head, "Content-Length: " + body.length + "\r\n");
            }
            write(head, "\r\n");
            try {
                out.write(head.toByteArray());
                out.write(body);
                out.flush();
            } catch (IOException refusedEarly) {
                // the server may answer an oversized request and close before it is all sent (as it should):
                // its answer is still there to read
            }
            return read(socket.getInputStream(), request.method().equals("HEAD"));
        } catch (IOException e) {
            throw new AssertionError("no answer to " + request.name() + ": " + e, e);
        }
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Response read(InputStream in, boolean head) throws IOException {
        while (true) {
            String status = line(in);
            if (status == null) {
                throw new IOException("connection closed without a response");
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
            }
            int code = Integer.parseInt(status.split(" ")[1]);
            if (code >= 100 && code < 200) {
                continue; // an interim answer (100 Continue): the final one follows
            }
            byte[] body = head ? new byte[0] : body(in, headers);
            String text = new String(body, StandardCharsets.UTF_8);
            JsonNode json = null;
            try {
                json = text.isBlank() ? null : JSON.readTree(text);
            } catch (IOException notJson) {
                // left null: the oracle reports a body that is not JSON
            }
            return new Response(code, headers, text, json);
        }
    }

    private static byte[] body(InputStream in, Map<String, List<String>> headers) throws IOException {
        String length = first(headers, "Content-Length");
        String encoding = first(headers, "Transfer-Encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int size = chunkSize(line(in)); size > 0; size = chunkSize(line(in))) {
                out.write(in.readNBytes(size));
                line(in);
            }
            return out.toByteArray();
        }
        return length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
    }

    private static int chunkSize(String line) {
        return line == null ? 0 : Integer.parseInt(line.split(";", 2)[0].trim(), 16);
    }

    private static String first(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0))
                .findFirst().orElse(null);
    }

    /** One CRLF-terminated line (ISO-8859-1), or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1; b = in.read()) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}

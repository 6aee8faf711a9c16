package io.payroute.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A fully read HTTP request, decoupled from the exchange so responses can be completed later. */
record SimRequest(String method, String path, Map<String, String> query, Headers headers, byte[] body) {

    static SimRequest of(String method, String path, String rawQuery, Headers headers, byte[] body) {
        return new SimRequest(method, path, parseQuery(rawQuery), headers, body);
    }

    String header(String name) {
        return headers.getFirst(name);
    }

    String query(String name) {
        return query.get(name);
    }

    boolean is(String method, String path) {
        return this.method.equals(method) && this.path.equals(path);
    }

    /** The body as a JSON object, or a 400 in the provider's envelope. */
    ObjectNode jsonObject() {
        if (body.length == 0) {
            throw SimException.badRequest("Request body is required", null);
        }
        JsonNode n;
        try {
            n = Json.parse(body);
        } catch (IOException e) {
            throw SimException.badRequest("Request body is not valid JSON", null);
        }
        if (!(n instanceof ObjectNode o)) {
            throw SimException.badRequest("Request body must be a JSON object", null);
        }
        return o;
    }

    static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }
}

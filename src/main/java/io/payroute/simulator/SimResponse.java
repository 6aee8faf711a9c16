package io.payroute.simulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A response ready to be written, possibly later. The body is serialised once, up front, so a delayed
 * send or an idempotent replay costs nothing.
 *
 * @param extraDelayMs delay on top of the configured latency (the {@code timeout} marker uses it)
 */
record SimResponse(int status, String contentType, Map<String, String> headers, byte[] body, long extraDelayMs) {

    static final String JSON = "application/json; charset=utf-8";

    static SimResponse json(int status, JsonNode body) {
        return new SimResponse(status, JSON, Map.of(), Json.bytes(body), 0);
    }

    static SimResponse empty(int status) {
        return new SimResponse(status, null, Map.of(), new byte[0], 0);
    }

    SimResponse withExtraDelay(long ms) {
        return new SimResponse(status, contentType, headers, body, ms);
    }

    SimResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new SimResponse(status, contentType, Map.copyOf(h), body, extraDelayMs);
    }
}

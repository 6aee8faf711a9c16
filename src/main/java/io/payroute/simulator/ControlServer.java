package io.payroute.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The control API (own port, JSON, errors as application/problem+json):
 * <pre>
 * GET    /sim                        providers with base_url, mode, behaviour
 * GET    /sim/{provider}/ledger      {"provider", "entries": [...]}   (?reference= filter)
 * DELETE /sim/{provider}/ledger      204
 * POST   /sim/{provider}/settle      {"reference", "status": "succeeded"|"failed"} → the settled entry (404 if none pending)
 * GET    /sim/{provider}/mode        {"provider", "mode"}
 * PUT    /sim/{provider}/mode        {"mode": "normal|refuse|unavailable|hang"}
 * GET    /sim/{provider}/behaviour   behaviour
 * PUT    /sim/{provider}/behaviour   partial {"latency_ms", "latency_jitter_ms", "decline_rate", "error_rate", "timeout_delay_ms"}
 * </pre>
 */
final class ControlServer {
    private static final String PROBLEM = "application/problem+json";
    private static final Set<String> BEHAVIOUR_FIELDS =
            Set.of("latency_ms", "latency_jitter_ms", "decline_rate", "error_rate", "timeout_delay_ms");

    private final Simulators sims;
    private final HttpServer server;
    private final URI url;

    ControlServer(Simulators sims, String host, int port, Executor executor) throws IOException {
        this.sims = sims;
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        String h = host.contains(":") ? "[" + host + "]" : host;
        url = URI.create("http://" + h + ":" + server.getAddress().getPort());
    }

    URI url() {
        return url;
    }

    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) {
        SimResponse response;
        try {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            response = route(ex.getRequestMethod(), ex.getRequestURI(), body);
        } catch (Problem p) {
            response = problem(p.status, p.title, p.getMessage(), p.field);
        } catch (IOException | RuntimeException e) {
            response = problem(500, "Internal Server Error", String.valueOf(e.getMessage()), null);
        }
        ProviderSimulator.write(ex, response);
    }

    private SimResponse route(String method, URI uri, byte[] body) {
        String path = uri.getPath();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.equals("/sim")) {
            requireMethod(method, "GET");
            return SimResponse.json(200, overview());
        }
        String[] parts = path.split("/");
        // ["", "sim", provider, resource]
        if (parts.length != 4 || !parts[1].equals("sim")) {
            throw new Problem(404, "Not Found", "No control resource at " + path, null);
        }
        String name = parts[2];
        if (!sims.knows(name)) {
            throw new Problem(404, "Not Found", "Unknown provider '" + name + "'; known: " + Simulators.PROVIDERS, "provider");
        }
        ProviderSimulator p = sims.provider(name);
        switch (parts[3]) {
            case "ledger":
                if (method.equals("DELETE")) {
                    p.clearLedger();
                    return SimResponse.empty(204);
                }
                requireMethod(method, "GET", "DELETE");
                ObjectNode ledger = Json.object();
                ledger.put("provider", p.name());
                ArrayNode entries = ledger.putArray("entries");
                String reference = SimRequest.parseQuery(uri.getRawQuery()).get("reference");
                p.ledger(reference).forEach(e -> entries.add(Json.ledgerEntry(e)));
                return SimResponse.json(200, ledger);
            case "settle": {
                requireMethod(method, "POST");
                JsonNode request = object(body);
                String ref = request.path("reference").asText(null);
                String status = request.path("status").asText("");
                if (ref == null || ref.isBlank()) {
                    throw new Problem(400, "Bad Request", "reference is required", "reference");
                }
                if (!status.equals(LedgerEntry.SUCCEEDED) && !status.equals(LedgerEntry.FAILED)) {
                    throw new Problem(400, "Bad Request", "status must be succeeded or failed", "status");
                }
                return p.settle(ref, status.equals(LedgerEntry.SUCCEEDED))
                        .map(e -> SimResponse.json(200, Json.ledgerEntry(e)))
                        .orElseThrow(() -> new Problem(404, "Not Found", "No pending charge with reference " + ref, "reference"));
            }
            case "mode":
                if (method.equals("PUT")) {
                    JsonNode mode = object(body).get("mode");
                    if (mode == null || !mode.isTextual()) {
                        throw new Problem(400, "Bad Request", "mode is required: one of normal, refuse, unavailable, hang", "mode");
                    }
                    try {
                        p.setMode(Mode.fromWire(mode.asText()));
                    } catch (IllegalArgumentException e) {
                        throw new Problem(400, "Bad Request", e.getMessage(), "mode");
                    } catch (UncheckedIOException e) {
                        throw new Problem(409, "Conflict", e.getMessage(), "mode");
                    }
                } else {
                    requireMethod(method, "GET", "PUT");
                }
                return SimResponse.json(200, modeJson(p));
            case "behaviour":
                if (method.equals("PUT")) {
                    p.setBehaviour(merge(p.behaviour(), object(body)));
                } else {
                    requireMethod(method, "GET", "PUT");
                }
                return SimResponse.json(200, Json.behaviour(p.behaviour()));
            default:
                throw new Problem(404, "Not Found", "No control resource at " + path, null);
        }
    }

    private ObjectNode overview() {
        ObjectNode n = Json.object();
        ArrayNode list = n.putArray("providers");
        for (ProviderSimulator p : sims.all()) {
            ObjectNode item = list.addObject();
            item.put("name", p.name());
            item.put("base_url", p.baseUrl().toString());
            item.put("mode", p.mode().wireName());
            item.set("behaviour", Json.behaviour(p.behaviour()));
        }
        n.put("control_url", url.toString());
        return n;
    }

    private static ObjectNode modeJson(ProviderSimulator p) {
        ObjectNode n = Json.object();
        n.put("provider", p.name());
        n.put("mode", p.mode().wireName());
        return n;
    }

    /** Applies a partial update; each field is checked for name, type and range. */
    static Behaviour merge(Behaviour b, ObjectNode update) {
        long latency = b.latencyMs();
        long jitter = b.latencyJitterMs();
        double decline = b.declineRate();
        double error = b.errorRate();
        long timeout = b.timeoutDelayMs();
        for (Iterator<Map.Entry<String, JsonNode>> it = update.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String field = f.getKey();
            JsonNode v = f.getValue();
            if (!BEHAVIOUR_FIELDS.contains(field)) {
                throw new Problem(400, "Bad Request", "Unknown field '" + field + "'; allowed: " + BEHAVIOUR_FIELDS, field);
            }
            if (!v.isNumber()) {
                throw new Problem(400, "Bad Request", field + " must be a number", field);
            }
            if (field.endsWith("_ms") && !v.canConvertToExactIntegral()) {
                throw new Problem(400, "Bad Request", field + " must be an integer number of milliseconds", field);
            }
            switch (field) {
                case "latency_ms" -> latency = v.asLong();
                case "latency_jitter_ms" -> jitter = v.asLong();
                case "decline_rate" -> decline = v.asDouble();
                case "error_rate" -> error = v.asDouble();
                default -> timeout = v.asLong();
            }
        }
        try {
            return new Behaviour(latency, jitter, decline, error, timeout);
        } catch (Behaviour.InvalidSettingException e) {
            throw new Problem(400, "Bad Request", e.getMessage(), e.field());
        }
    }

    private static ObjectNode object(byte[] body) {
        try {
            JsonNode n = Json.parse(body);
            if (n instanceof ObjectNode o) {
                return o;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Problem(400, "Bad Request", "Request body is not valid JSON: " + e.getOriginalMessage(), "body");
        } catch (IOException e) {
            throw new Problem(400, "Bad Request", "Request body is not valid JSON", "body");
        }
        throw new Problem(400, "Bad Request", "Request body must be a JSON object", "body");
    }

    private static void requireMethod(String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw new Problem(405, "Method Not Allowed", method + " not allowed; use " + String.join(", ", allowed), null);
    }

    private static SimResponse problem(int status, String title, String detail, String field) {
        ObjectNode n = Json.object();
        n.put("type", "about:blank");
        n.put("title", title);
        n.put("status", status);
        n.put("detail", detail);
        if (field != null) {
            n.put("field", field);
        }
        return new SimResponse(status, PROBLEM, Map.of(), Json.bytes(n), 0);
    }

    /** A control API failure rendered as RFC 9457 problem JSON. */
    static final class Problem extends RuntimeException {
        final int status;
        final String title;
        final String field;

        Problem(int status, String title, String detail, String field) {
            super(detail, null, false, false);
            this.status = status;
            this.title = title;
            this.field = field;
        }
    }
}

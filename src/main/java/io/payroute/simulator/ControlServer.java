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
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/**
 * The control API (own port, JSON, errors as application/problem+json):
 * <pre>
 * GET    /sim                        providers with base_url, mode, behaviour
 * GET    /sim/{provider}/ledger      {"provider", "entries": [...]}   (?reference= filter)
 * DELETE /sim/{provider}/ledger      204
 * POST   /sim/{provider}/settle      {"reference", "status": "succeeded"|"failed"} → the settled entry (404 if none pending)
 * POST   /sim/{provider}/refunds/settle   {"id", "status": "succeeded"|"failed"} → the settled refund (404 if none pending)
 * GET    /sim/{provider}/mode        {"provider", "mode"}
 * PUT    /sim/{provider}/mode        {"mode": "normal|refuse|unavailable|hang"}
 * GET    /sim/{provider}/behaviour   behaviour
 * PUT    /sim/{provider}/behaviour   partial {"latency_ms", "latency_jitter_ms", "decline_rate", "error_rate", "timeout_delay_ms",
 *                                             "pending_settle_ms"}
 * GET    /sim/{provider}/webhooks    {"provider", "url", "send"}
 * PUT    /sim/{provider}/webhooks    partial {"url": "http(s)://..." | null, "send": "async|all|none"}
 * GET    /sim/{provider}/webhooks/deliveries   {"provider", "deliveries": [...]}   (cleared with the ledger)
 * </pre>
 */
final class ControlServer {
    private static final String PROBLEM = "application/problem+json";
    private static final Set<String> BEHAVIOUR_FIELDS =
            Set.of("latency_ms", "latency_jitter_ms", "decline_rate", "error_rate", "timeout_delay_ms", "pending_settle_ms");
    private static final Set<String> WEBHOOK_FIELDS = Set.of("url", "send");

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
        // ["", "sim", provider, resource] or ["", "sim", provider, "webhooks", "deliveries" | "refunds", "settle"]
        if (parts.length < 4 || parts.length > 5 || !parts[1].equals("sim")) {
            throw new Problem(404, "Not Found", "No control resource at " + path, null);
        }
        String resource = parts.length == 4 ? parts[3] : parts[3] + "/" + parts[4];
        String name = parts[2];
        if (!sims.knows(name)) {
            throw new Problem(404, "Not Found", "Unknown provider '" + name + "'; known: " + Simulators.PROVIDERS, "provider");
        }
        ProviderSimulator p = sims.provider(name);
        switch (resource) {
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
            case "settle":
                return settle(method, body, "charge", "reference", (ref, ok) -> p.settle(ref, ok).map(Json::ledgerEntry));
            case "refunds/settle":
                return settle(method, body, "refund", "id", (id, ok) -> p.settleRefund(id, ok).map(Json::refund));
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
            case "webhooks": {
                if (method.equals("PUT")) {
                    ObjectNode update = object(body);
                    p.updateWebhooks(w -> mergeWebhooks(w, update));
                } else {
                    requireMethod(method, "GET", "PUT");
                }
                ObjectNode webhooks = Json.object();
                webhooks.put("provider", p.name());
                webhooks.setAll(Json.webhooks(p.webhooks()));
                return SimResponse.json(200, webhooks);
            }
            case "webhooks/deliveries": {
                requireMethod(method, "GET");
                ObjectNode n = Json.object();
                n.put("provider", p.name());
                ArrayNode deliveries = n.putArray("deliveries");
                p.webhookDeliveries().forEach(d -> deliveries.add(Json.webhookDelivery(d)));
                return SimResponse.json(200, n);
            }
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
            item.set("webhooks", Json.webhooks(p.webhooks()));
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
        long settle = b.pendingSettleMs();
        for (Map.Entry<String, JsonNode> f : known(update, BEHAVIOUR_FIELDS)) {
            String field = f.getKey();
            JsonNode v = f.getValue();
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
                case "timeout_delay_ms" -> timeout = v.asLong();
                default -> settle = v.asLong();
            }
        }
        try {
            return new Behaviour(latency, jitter, decline, error, timeout, settle);
        } catch (Behaviour.InvalidSettingException e) {
            throw new Problem(400, "Bad Request", e.getMessage(), e.field());
        }
    }

    /** Applies a partial update of {"url", "send"}; url null stops sending. */
    static WebhookSettings mergeWebhooks(WebhookSettings w, ObjectNode update) {
        URI url = w.url();
        WebhookSend send = w.send();
        for (Map.Entry<String, JsonNode> f : known(update, WEBHOOK_FIELDS)) {
            JsonNode v = f.getValue();
            if (f.getKey().equals("url")) {
                if (!v.isNull() && !v.isTextual()) {
                    throw new Problem(400, "Bad Request", "url must be an absolute http or https URL, or null", "url");
                }
                try {
                    url = v.isNull() ? null : new URI(v.asText().trim());
                } catch (URISyntaxException e) {
                    throw new Problem(400, "Bad Request", "url is not a valid URL: " + e.getReason(), "url");
                }
            } else {
                try {
                    send = WebhookSend.fromWire(v.isTextual() ? v.asText() : null);
                } catch (IllegalArgumentException e) {
                    throw new Problem(400, "Bad Request", e.getMessage(), "send");
                }
            }
        }
        try {
            return new WebhookSettings(url, send);
        } catch (Behaviour.InvalidSettingException e) {
            throw new Problem(400, "Bad Request", e.getMessage(), e.field());
        }
    }

    /** The update's fields, once every name is checked against {@code allowed}. */
    private static List<Map.Entry<String, JsonNode>> known(ObjectNode update, Set<String> allowed) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = update.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!allowed.contains(f.getKey())) {
                throw new Problem(400, "Bad Request", "Unknown field '" + f.getKey() + "'; allowed: " + allowed, f.getKey());
            }
            fields.add(f);
        }
        return fields;
    }

    /**
     * {@code POST {"<keyField>": ..., "status": "succeeded"|"failed"}}: settles the pending {@code what} with that key
     * and answers it, or 404 naming {@code keyField} when nothing pending has it.
     */
    private static SimResponse settle(String method, byte[] body, String what, String keyField,
                                      BiFunction<String, Boolean, Optional<ObjectNode>> settle) {
        requireMethod(method, "POST");
        JsonNode request = object(body);
        String key = requiredText(request, keyField);
        return settle.apply(key, settlesSucceeded(request))
                .map(settled -> SimResponse.json(200, settled))
                .orElseThrow(() -> new Problem(404, "Not Found", "No pending " + what + " with " + keyField + " " + key, keyField));
    }

    private static String requiredText(JsonNode request, String field) {
        JsonNode v = request.get(field);
        if (v == null || !v.isValueNode() || v.isNull() || v.asText().isBlank()) {
            throw new Problem(400, "Bad Request", field + " is required", field);
        }
        return v.asText();
    }

    /** A settle request's {@code status}: true for succeeded, false for failed. */
    private static boolean settlesSucceeded(JsonNode request) {
        String status = request.path("status").asText("");
        if (!status.equals(LedgerEntry.SUCCEEDED) && !status.equals(LedgerEntry.FAILED)) {
            throw new Problem(400, "Bad Request", "status must be succeeded or failed", "status");
        }
        return status.equals(LedgerEntry.SUCCEEDED);
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

package io.payroute.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The simulators' own Jackson mapper (independent of whatever the host application configures). */
final class Json {
    // plain BigDecimals: Flutterwave major amounts must render as 100.5, never 1.005E+2
    static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static JsonNode parse(byte[] body) throws IOException {
        return MAPPER.readTree(body);
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode toNode(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** An object node as a mutable, insertion-ordered map (for ledger metadata). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> toMap(JsonNode node) {
        if (node == null || !node.isObject()) {
            return new LinkedHashMap<>();
        }
        return MAPPER.convertValue(node, LinkedHashMap.class);
    }

    static String iso(Instant instant) {
        return instant.toString();
    }

    static ObjectNode ledgerEntry(LedgerEntry e) {
        ObjectNode n = object();
        n.put("id", e.id());
        n.put("reference", e.reference());
        n.put("amount", e.amount());
        n.put("currency", e.currency());
        n.put("status", e.status());
        ObjectNode pm = n.putObject("payment_method");
        pm.put("type", e.paymentMethod().type());
        pm.put("last4", e.paymentMethod().last4());
        if (e.paymentMethod().bin() != null) {
            pm.put("bin", e.paymentMethod().bin());
        }
        n.set("metadata", toNode(e.metadata()));
        n.put("created_at", iso(e.createdAt()));
        n.put("refunded_amount", e.refundedAmount());
        ArrayNode refunds = n.putArray("refunds");
        e.refunds().forEach(r -> refunds.add(refund(r)));
        return n;
    }

    static ObjectNode refund(RefundEntry r) {
        ObjectNode n = object();
        n.put("id", r.id());
        n.put("amount", r.amount());
        n.put("status", r.status());
        n.put("created_at", iso(r.createdAt()));
        n.put("updated_at", iso(r.updatedAt()));
        return n;
    }

    static ObjectNode behaviour(Behaviour b) {
        ObjectNode n = object();
        n.put("latency_ms", b.latencyMs());
        n.put("latency_jitter_ms", b.latencyJitterMs());
        n.put("decline_rate", b.declineRate());
        n.put("error_rate", b.errorRate());
        n.put("timeout_delay_ms", b.timeoutDelayMs());
        n.put("pending_settle_ms", b.pendingSettleMs());
        return n;
    }

    static ObjectNode webhooks(WebhookSettings w) {
        ObjectNode n = object();
        n.put("url", w.url() == null ? null : w.url().toString());
        n.put("send", w.send().wireName());
        return n;
    }

    static ObjectNode webhookDelivery(WebhookDelivery d) {
        ObjectNode n = object();
        n.put("event", d.event());
        n.put("reference", d.reference());
        n.put("url", d.url().toString());
        n.put("attempts", d.attempts());
        n.put("status_code", d.statusCode());
        n.put("error", d.error());
        n.put("sent_at", d.sentAt() == null ? null : iso(d.sentAt()));
        n.put("state", d.state().wireName());
        return n;
    }
}

package io.payroute.charge;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.stereotype.Component;

/** The canonical charge as the merchant API returns it, built from what is stored (so POST and GET agree). */
@Component
public class ChargeJson {

    private final ObjectMapper json;

    public ChargeJson(ObjectMapper json) {
        this.json = json;
    }

    public ObjectNode render(ChargeRepository.StoredCharge c, List<ChargeRepository.StoredAttempt> attempts) {
        ObjectNode out = json.createObjectNode();
        out.put("id", c.id());
        out.put("object", "charge");
        out.put("status", c.status().wire());
        out.put("amount", c.amount());
        // held by refunds that have not failed (pending or succeeded)
        out.put("amount_refunded", c.refundedAmount());
        out.put("currency", c.currency());
        out.put("reference", c.reference());
        out.put("description", c.description());
        out.put("provider", c.provider());
        out.put("provider_reference", c.providerReference());
        if (c.failureCode() != null) {
            out.putObject("failure")
                    .put("code", c.failureCode())
                    .put("category", c.failureCategory())
                    .put("message", c.failureMessage());
        } else {
            out.putNull("failure");
        }
        out.set("next_action", c.nextActionJson() == null ? json.nullNode() : parse(c.nextActionJson()));
        out.set("customer", parse(c.customerJson()));
        out.set("payment_method", parse(c.paymentMethodJson()));
        out.set("metadata", c.metadataJson() == null ? json.createObjectNode() : parse(c.metadataJson()));
        ArrayNode list = out.putArray("attempts");
        for (ChargeRepository.StoredAttempt a : attempts) {
            ObjectNode node = list.addObject();
            node.put("provider", a.provider());
            node.put("outcome", a.outcome() == null ? "IN_FLIGHT" : a.outcome());
            node.put("code", a.code());
            node.put("latency_ms", a.latencyMs());
            node.put("provider_reference", a.providerReference());
            node.put("reference", a.attemptReference());
            if (a.resolvedFromOutcome() != null) {
                node.putObject("resolved_from").put("outcome", a.resolvedFromOutcome()).put("code", a.resolvedFromCode())
                        .put("via", "status_query");
            }
            if (a.httpStatus() != null) {
                node.put("http_status", a.httpStatus());
            }
            node.put("started_at", a.startedAt().toString());
            if (a.resentAt() != null) {
                node.put("resent_at", a.resentAt().toString());
            }
        }
        out.set("routing", c.routingJson() == null ? json.nullNode() : parse(c.routingJson()));
        if (c.lastError() != null) {
            // an asynchronous charge no provider could take yet: when it is tried again, and why it was not taken
            ObjectNode retry = out.putObject("retry");
            retry.put("rounds", c.rounds());
            retry.put("next_round_at", c.nextRoundAt() == null ? null : c.nextRoundAt().toString());
            retry.put("last_error", c.lastError());
        } else {
            out.putNull("retry");
        }
        out.put("created_at", c.createdAt().toString());
        out.put("updated_at", c.updatedAt().toString());
        return out;
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is unreadable", e);
        }
    }
}

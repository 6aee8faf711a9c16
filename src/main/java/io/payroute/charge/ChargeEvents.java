package io.payroute.charge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payroute.api.LogContext;
import io.payroute.audit.AuditLog;
import io.payroute.outbox.Outbox;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Every state change of a charge, recorded twice in its transaction: in the append-only {@code charge_events}
 * log (with the event as published, for GET /v1/events and merchant webhooks), and in the outbox for the
 * multicast events address (docs/queues.md), with the charge as it stood then.
 */
@Component
public class ChargeEvents {

    private final ChargeRepository repository;
    private final ChargeJson chargeJson;
    private final Outbox outbox;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final String destination;

    public ChargeEvents(ChargeRepository repository, ChargeJson chargeJson, Outbox outbox, AuditLog audit, ObjectMapper json,
                        @Value("${payroute.broker.addresses.events}") String eventsAddress) {
        this.repository = repository;
        this.chargeJson = chargeJson;
        this.outbox = outbox;
        this.audit = audit;
        this.json = json;
        this.destination = "topic:" + eventsAddress;
    }

    /**
     * Records {@code charge} having just moved from {@code from} (null: created); call inside the change's
     * transaction. Returns the charge as rendered into the event, for the response to reuse.
     */
    public ObjectNode record(String type, ChargeRepository.StoredCharge charge, List<ChargeRepository.StoredAttempt> attempts,
                       ChargeStatus from, String dataJson) {
        ObjectNode rendered = chargeJson.render(charge, attempts);
        publish(type, charge.id(), charge.merchantId(), "charge", charge.id(), from == null ? null : from.wire(),
                charge.status().wire(), dataJson, rendered, charge.updatedAt());
        return rendered;
    }

    /**
     * Records a refund's state change (an event of its charge: {@code refund.created}, {@code refund.succeeded},
     * {@code refund.failed}) with the refund as {@code data.object}; inside the change's transaction.
     */
    public void recordRefund(String type, String chargeId, String merchantId, String refundId, String from, String to,
                             ObjectNode refund, java.time.Instant at) {
        publish(type, chargeId, merchantId, "refund", refundId, from, to, null, refund, at);
    }

    private void publish(String type, String chargeId, String merchantId, String objectType, String objectId, String from,
                         String to, String dataJson, ObjectNode object, java.time.Instant at) {
        String eventId = Ids.event();
        ObjectNode event = json.createObjectNode();
        event.put("id", eventId);
        event.put("object", "event");
        event.put("type", type);
        event.put("created_at", at.toString());
        // the request or message that caused the change, as its X-Request-Id / correlation id
        event.put("request_id", LogContext.requestId());
        event.putObject("data").set("object", object);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("eventId", eventId);
        properties.put("eventType", type);
        properties.put("chargeId", chargeId);
        properties.put("merchantId", merchantId);
        properties.put("status", to);
        if (!objectId.equals(chargeId)) {
            properties.put(objectType + "Id", objectId);
        }
        String payload = event.toString();
        repository.insertEvent(eventId, chargeId, type, from, to, dataJson, payload, at);
        outbox.send(destination, payload, properties);
        audit.record(type, objectType, objectId, (from == null ? "" : from + " -> ") + to + (dataJson == null ? "" : " " + dataJson));
    }
}

package io.payroute.charge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
        String eventId = Ids.event();
        ObjectNode event = json.createObjectNode();
        event.put("id", eventId);
        event.put("object", "event");
        event.put("type", type);
        event.put("created_at", charge.updatedAt().toString());
        ObjectNode rendered = chargeJson.render(charge, attempts);
        event.putObject("data").set("object", rendered);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("eventId", eventId);
        properties.put("eventType", type);
        properties.put("chargeId", charge.id());
        properties.put("merchantId", charge.merchantId());
        properties.put("status", charge.status().wire());
        String payload = event.toString();
        repository.insertEvent(eventId, charge.id(), type, from, charge.status(), dataJson, payload, charge.updatedAt());
        outbox.send(destination, payload, properties);
        audit.record(type, "charge", charge.id(), (from == null ? "" : from.wire() + " -> ") + charge.status().wire()
                + (dataJson == null ? "" : " " + dataJson));
        return rendered;
    }
}

package io.payroute.webhook.outbound;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.payroute.async.DeadLetters;
import io.payroute.broker.BrokerProperties;
import io.payroute.outbox.Outbox;
import org.springframework.stereotype.Component;

/**
 * The messages of merchant webhook delivery, written through the outbox in the transaction that makes them due:
 * one per attempt on the deliveries queue (a later attempt held by the broker until its time), and the dead
 * letter of a delivery whose attempts ran out (replaying it makes one more attempt).
 */
@Component
public class DeliveryQueue {

    /** Message properties. */
    public static final String DELIVERY_ID = "deliveryId";
    public static final String ATTEMPT = "attempt";
    static final String EVENT_ID = "eventId";
    static final String ENDPOINT_ID = "endpointId";

    private final Outbox outbox;
    private final String deliveries;
    private final String deadLetters;

    public DeliveryQueue(Outbox outbox, BrokerProperties broker) {
        this.outbox = outbox;
        this.deliveries = "queue:" + broker.getAddresses().getWebhookDeliveries();
        this.deadLetters = "queue:" + broker.getAddresses().getDeadLetters();
    }

    /** Attempt {@code attempt} of the delivery, at {@code at} (null: now). */
    public void send(String deliveryId, int attempt, Instant at) {
        outbox.send(deliveries, "{}", properties(deliveryId, attempt), at);
    }

    /** Parks the delivery on the dead-letter queue with why and what was tried; a replay is attempt {@code nextAttempt}. */
    public void deadLetter(WebhookDeliveryRepository.Delivery delivery, int nextAttempt, String reason, String history) {
        Map<String, Object> p = properties(delivery.id(), nextAttempt);
        p.put(EVENT_ID, delivery.eventId());
        p.put(ENDPOINT_ID, delivery.endpointId());
        p.put(DeadLetters.REASON, reason);
        p.put(DeadLetters.CODE, "webhook_delivery_failed");
        p.put(DeadLetters.HISTORY, history);
        p.put(DeadLetters.ORIGINAL_ADDRESS, deliveries);
        outbox.send(deadLetters, "{}", p);
    }

    private static Map<String, Object> properties(String deliveryId, int attempt) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(DELIVERY_ID, deliveryId);
        p.put(ATTEMPT, attempt);
        return p;
    }
}

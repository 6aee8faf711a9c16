package io.payroute.webhook.outbound;

import java.time.Clock;
import java.time.Instant;

import io.payroute.charge.Ids;
import io.payroute.api.LogContext;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fan-out (bean {@code webhookFanout}, routes/webhooks.yaml): each event from the events address becomes one
 * delivery per enabled endpoint of its merchant subscribed to its type, each with its first attempt queued, in
 * one transaction. An event the broker delivers again creates no second delivery (dedupe key event:endpoint).
 */
@Component("webhookFanout")
public class WebhookFanout {

    private static final Logger log = LoggerFactory.getLogger(WebhookFanout.class);

    private final WebhookEndpointRepository endpoints;
    private final WebhookDeliveryRepository deliveries;
    private final DeliveryQueue queue;
    private final TransactionTemplate tx;
    private final Clock clock;

    public WebhookFanout(WebhookEndpointRepository endpoints, WebhookDeliveryRepository deliveries, DeliveryQueue queue,
                         TransactionTemplate tx, Clock clock) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.queue = queue;
        this.tx = tx;
        this.clock = clock;
    }

    /** Returns how many deliveries were created. */
    public int fanOut(@Header("eventId") String eventId, @Header("eventType") String type,
                      @Header("merchantId") String merchantId, Exchange exchange) {
        LogContext.continueFrom(exchange);
        if (eventId == null || type == null || merchantId == null) {
            return 0;
        }
        Integer created = tx.execute(status -> {
            int n = 0;
            Instant now = clock.instant();
            for (WebhookEndpoint endpoint : endpoints.enabled(merchantId)) {
                if (!endpoint.subscribesTo(type)) {
                    continue;
                }
                if (startDelivery(Ids.webhookDelivery(), eventId + ":" + endpoint.id(), eventId, endpoint.id(), now)) {
                    n++;
                }
            }
            return n;
        });
        if (created != null && created > 0) {
            log.debug("event {} ({}): {} deliveries", eventId, type, created);
        }
        return created == null ? 0 : created;
    }

    /**
     * Creates a delivery of the event to the endpoint with its first attempt queued, in the caller's transaction;
     * false when a delivery with {@code dedupeKey} exists already.
     */
    public boolean startDelivery(String deliveryId, String dedupeKey, String eventId, String endpointId, Instant now) {
        if (!deliveries.insertIfAbsent(deliveryId, dedupeKey, eventId, endpointId, now)) {
            return false;
        }
        queue.send(deliveryId, 1, null);
        return true;
    }
}

package io.payroute.webhook.outbound;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.payroute.event.EventRepository;
import io.payroute.observability.ChargeMetrics;
import io.payroute.webhook.WebhookProperties;
import io.payroute.webhook.outbound.WebhookDeliveryRepository.AttemptRecord;
import io.payroute.webhook.outbound.WebhookDeliveryRepository.Delivery;
import io.payroute.webhook.signing.TimestampedSignature;
import io.payroute.api.LogContext;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One attempt of one merchant webhook delivery (bean {@code webhookDeliveries}, routes/webhooks.yaml): claimed
 * in SQL so it is made once on any number of instances, signed ({@code PayRoute-Signature}), sent, and recorded
 * with its answer. A failure schedules the next attempt through the broker on the retry schedule, with jitter;
 * after the last the delivery is dead-lettered. Each endpoint has a bulkhead: a slow or hanging endpoint holds at
 * most {@code per-endpoint-concurrency} consumers, and its other deliveries step aside, so it never delays the
 * deliveries to other endpoints.
 */
@Component("webhookDeliveries")
public class WebhookDeliveries {

    public static final String SIGNATURE_HEADER = "PayRoute-Signature";
    private static final Logger log = LoggerFactory.getLogger(WebhookDeliveries.class);

    private final WebhookDeliveryRepository deliveries;
    private final WebhookEndpointRepository endpoints;
    private final EventRepository events;
    private final EndpointSecrets secrets;
    private final WebhookSender sender;
    private final DeliveryQueue queue;
    private final WebhookProperties properties;
    private final BulkheadRegistry bulkheads;
    private final ChargeMetrics metrics;
    private final TransactionTemplate tx;
    private final ObjectMapper json;
    private final Clock clock;

    public WebhookDeliveries(WebhookDeliveryRepository deliveries, WebhookEndpointRepository endpoints, EventRepository events,
                             EndpointSecrets secrets, WebhookSender sender, DeliveryQueue queue, WebhookProperties properties,
                             ChargeMetrics metrics, TransactionTemplate tx, ObjectMapper json, Clock clock) {
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.events = events;
        this.secrets = secrets;
        this.sender = sender;
        this.queue = queue;
        this.properties = properties;
        this.bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(properties.getPerEndpointConcurrency()).maxWaitDuration(Duration.ZERO).build());
        this.metrics = metrics;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
    }

    public void deliver(@Header(DeliveryQueue.DELIVERY_ID) String deliveryId, @Header(DeliveryQueue.ATTEMPT) Integer attempt,
                        Exchange exchange) {
        LogContext.continueFrom(exchange);
        Delivery delivery = deliveryId == null || attempt == null ? null : deliveries.find(deliveryId).orElse(null);
        if (delivery == null) {
            log.warn("webhook delivery message for unknown delivery {} ignored", deliveryId);
            return;
        }
        WebhookEndpoint endpoint = endpoints.findAny(delivery.endpointId()).orElseThrow();
        Instant now = clock.instant();
        if (!WebhookEndpoint.ENABLED.equals(endpoint.status())) {
            if (deliveries.skip(deliveryId, "endpoint " + endpoint.status(), now)) {
                log.info("webhook delivery {} skipped: endpoint {} is {}", deliveryId, endpoint.id(), endpoint.status());
            }
            return;
        }
        Bulkhead bulkhead = bulkheads.bulkhead(endpoint.id());
        if (!bulkhead.tryAcquirePermission()) {
            // the endpoint already holds its share of consumers: this attempt steps aside for a moment
            tx.executeWithoutResult(s -> queue.send(deliveryId, attempt, now.plus(properties.getBusyDelay())));
            return;
        }
        try {
            Instant leaseUntil = now.plus(properties.getTimeout().multipliedBy(2)).plusSeconds(10);
            if (!deliveries.claim(deliveryId, attempt, now, leaseUntil)) {
                Delivery current = deliveries.find(deliveryId).orElseThrow();
                if (WebhookDeliveryRepository.DELIVERING.equals(current.status()) && current.attempts() == attempt
                        && current.claimedUntil() != null && current.claimedUntil().isAfter(now)) {
                    // another consumer is on it; if it died, this attempt is made again once its lease has run out,
                    // by a fresh message: a rollback could dead-letter a message a dead consumer's sessions passed
                    // around until its deliveries ran out (ChargeWork#takeRound)
                    Instant due = current.claimedUntil().plus(properties.getBusyDelay());
                    tx.executeWithoutResult(s -> queue.send(deliveryId, attempt, due));
                    log.info("webhook delivery {} attempt {} is in progress elsewhere until {}; deferred", deliveryId, attempt,
                            current.claimedUntil());
                    return;
                }
                log.debug("webhook delivery {} attempt {} already made", deliveryId, attempt);
                return;
            }
            send(delivery, endpoint, attempt);
        } finally {
            bulkhead.onComplete();
        }
    }

    private void send(Delivery delivery, WebhookEndpoint endpoint, int attempt) {
        byte[] payload = events.payload(delivery.eventId()).orElseThrow().getBytes(StandardCharsets.UTF_8);
        Instant now = clock.instant();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(SIGNATURE_HEADER, TimestampedSignature.sign(now.getEpochSecond(), payload, secrets.signingKeys(endpoint, now)));
        headers.put("PayRoute-Event-Id", delivery.eventId());
        headers.put("PayRoute-Delivery-Id", delivery.id());
        headers.put("PayRoute-Delivery-Attempt", Integer.toString(attempt));
        WebhookSender.Result result = sender.post(endpoint.url(), payload, headers);
        metrics.webhookDelivery(result.outcome(), result.latencyMs());
        Instant done = clock.instant();
        tx.executeWithoutResult(s -> {
            deliveries.recordAttempt(delivery.id(), new AttemptRecord(attempt, now, result.statusCode(), result.latencyMs(), result.error()));
            String error = result.delivered() ? null
                    : result.error() != null ? result.error() : "endpoint answered HTTP " + result.statusCode();
            if (result.delivered()) {
                deliveries.finish(delivery.id(), WebhookDeliveryRepository.SUCCEEDED, null, result.statusCode(), null, done);
            } else if (attempt <= properties.getRetrySchedule().size()) {
                Instant next = done.plus(jittered(properties.getRetrySchedule().get(attempt - 1)));
                deliveries.finish(delivery.id(), WebhookDeliveryRepository.RETRYING, next, result.statusCode(), error, done);
                queue.send(delivery.id(), attempt + 1, next);
            } else {
                deliveries.finish(delivery.id(), WebhookDeliveryRepository.FAILED, null, result.statusCode(), error, done);
                queue.deadLetter(delivery, attempt + 1, "No 2xx from " + endpoint.url() + " in " + attempt
                        + " attempts; last: " + error, history(delivery.id()));
            }
        });
        if (!result.delivered()) {
            log.info("webhook delivery {} of event {} to {}: attempt {} failed ({})", delivery.id(), delivery.eventId(),
                    endpoint.id(), attempt, result.error() != null ? result.error() : "HTTP " + result.statusCode());
        }
    }

    /** The wait spread by up to the configured share either way. */
    private Duration jittered(Duration wait) {
        double spread = properties.getJitter() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Duration.ofMillis(Math.max(0, Math.round(wait.toMillis() * (1 + spread))));
    }

    private String history(String deliveryId) {
        ArrayNode out = json.createArrayNode();
        List<AttemptRecord> attempts = deliveries.attempts(deliveryId);
        attempts.forEach(a -> out.addObject().put("attempt", a.attempt()).put("at", a.attemptedAt().toString())
                .put("status_code", a.statusCode()).put("error", a.error()));
        return out.toString();
    }
}

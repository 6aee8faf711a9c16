package io.payroute.event;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payroute.api.ProblemException;
import io.payroute.api.RequestFields;
import io.payroute.api.Responses;
import io.payroute.charge.Ids;
import io.payroute.event.EventRepository.StoredEvent;
import io.payroute.merchant.MerchantAuth;
import io.payroute.webhook.outbound.WebhookDeliveryRepository;
import io.payroute.webhook.outbound.WebhookEndpoint;
import io.payroute.webhook.outbound.WebhookEndpointRepository;
import io.payroute.webhook.outbound.WebhookFanout;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code /v1/events} (bean {@code eventsApi}, routes/webhooks.yaml): the events of the merchant's charges as they
 * were published, each with its webhook deliveries and every attempt (time, status code, latency, error), and
 * redelivery of one event to its endpoints, or to one of them.
 */
@Component("eventsApi")
public class EventsApi {

    private static final int MAX_LIMIT = 100;

    private final EventRepository events;
    private final WebhookDeliveryRepository deliveries;
    private final WebhookEndpointRepository endpoints;
    private final WebhookFanout fanout;
    private final TransactionTemplate tx;
    private final ObjectMapper json;
    private final Clock clock;

    public EventsApi(EventRepository events, WebhookDeliveryRepository deliveries, WebhookEndpointRepository endpoints,
                     WebhookFanout fanout, TransactionTemplate tx, ObjectMapper json, Clock clock) {
        this.events = events;
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.fanout = fanout;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
    }

    /** {@code ?limit=&type=&charge=&starting_after=evt_...}: newest first. */
    public void list(Exchange exchange) {
        String merchantId = MerchantAuth.merchantOf(exchange);
        Message in = exchange.getMessage();
        int limit = RequestFields.limit(in.getHeader("limit", String.class), 20, MAX_LIMIT);
        String type = in.getHeader("type", String.class);
        if (type != null && !type.matches("^[a-z_]+\\.[a-z_]+$")) {
            throw ProblemException.invalid("type", "must be an event type such as charge.succeeded");
        }
        String charge = in.getHeader("charge", String.class);
        if (charge != null && !charge.matches("^ch_[0-9a-z]{26}$")) {
            throw ProblemException.invalid("charge", "must be a charge id (ch_...)");
        }
        Long before = null;
        String after = in.getHeader("starting_after", String.class);
        if (after != null) {
            if (!Ids.is("evt_", after)) {
                throw ProblemException.invalid("starting_after", "must be an event id (evt_...)");
            }
            before = events.find(merchantId, after).map(StoredEvent::seq)
                    .orElseThrow(() -> ProblemException.invalid("starting_after", "no such event"));
        }
        List<StoredEvent> page = events.list(merchantId, type, charge, before, limit + 1);
        ObjectNode out = json.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        page.stream().limit(limit).forEach(e -> data.add(render(e)));
        out.put("has_more", page.size() > limit);
        Responses.json(exchange, 200, out.toString());
    }

    public void get(Exchange exchange) {
        Responses.json(exchange, 200, withDeliveries(find(exchange)).toString());
    }

    /** The event as published, with its webhook deliveries and every attempt of each. */
    public ObjectNode withDeliveries(StoredEvent event) {
        ObjectNode out = render(event);
        ArrayNode list = out.putArray("deliveries");
        for (WebhookDeliveryRepository.Delivery d : deliveries.forEvent(event.id())) {
            ObjectNode n = list.addObject();
            n.put("id", d.id());
            n.put("endpoint_id", d.endpointId());
            n.put("url", endpoints.findAny(d.endpointId()).map(WebhookEndpoint::url).orElse(null));
            n.put("status", d.status());
            n.put("attempt_count", d.attempts());
            n.put("next_attempt_at", d.nextAttemptAt() == null ? null : d.nextAttemptAt().toString());
            n.put("last_status_code", d.lastStatusCode());
            n.put("last_error", d.lastError());
            ArrayNode attempts = n.putArray("attempts");
            deliveries.attempts(d.id()).forEach(a -> attempts.addObject().put("attempt", a.attempt())
                    .put("attempted_at", a.attemptedAt().toString()).put("status_code", a.statusCode())
                    .put("latency_ms", a.latencyMs()).put("error", a.error()));
        }
        return out;
    }

    /**
     * Sends the event again, as a new delivery, to one endpoint ({@code {"endpoint_id": "we_..."}}) or to every
     * enabled endpoint subscribed to its type; 202 with the deliveries created.
     */
    public void redeliver(Exchange exchange) {
        String merchantId = MerchantAuth.merchantOf(exchange);
        StoredEvent event = find(exchange);
        byte[] body = Responses.bytes(exchange.getMessage());
        String endpointId = null;
        if (body != null && body.length > 0) {
            ObjectNode request = Responses.jsonObject(exchange.getMessage(), json);
            // a misspelt field would otherwise redeliver to every endpoint instead of the one meant
            RequestFields.rejectUnknown(request, List.of("endpoint_id"));
            JsonNode requested = request.get("endpoint_id");
            if (requested == null || !requested.isTextual() || !Ids.is("we_", requested.asText())) {
                throw ProblemException.invalid("endpoint_id", "must be a webhook endpoint id (we_...)");
            }
            endpointId = requested.asText();
        }
        List<WebhookEndpoint> targets;
        if (endpointId != null) {
            String id = endpointId;
            WebhookEndpoint endpoint = endpoints.find(merchantId, id)
                    .orElseThrow(() -> ProblemException.invalid("endpoint_id", "no such webhook endpoint"));
            if (!WebhookEndpoint.ENABLED.equals(endpoint.status())) {
                throw new ProblemException(409, "endpoint_disabled", "Endpoint disabled",
                        "Webhook endpoint " + id + " is disabled; enable it first");
            }
            targets = List.of(endpoint);
        } else {
            targets = endpoints.enabled(merchantId).stream().filter(e -> e.subscribesTo(event.type())).toList();
        }
        ObjectNode out = json.createObjectNode().put("object", "list");
        ArrayNode created = out.putArray("data");
        Instant now = clock.instant();
        tx.executeWithoutResult(s -> {
            for (WebhookEndpoint endpoint : targets) {
                String deliveryId = Ids.webhookDelivery();
                // its own dedupe key: a redelivery is a new delivery, asked for on purpose
                fanout.startDelivery(deliveryId, deliveryId, event.id(), endpoint.id(), now);
                created.addObject().put("id", deliveryId).put("endpoint_id", endpoint.id()).put("status", "pending");
            }
        });
        Responses.json(exchange, 202, out.toString());
    }

    private StoredEvent find(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        if (!Ids.is("evt_", id)) {
            throw ProblemException.notFound("event " + (id == null ? "" : id.replaceAll("[^\\w-]", "")));
        }
        return events.find(MerchantAuth.merchantOf(exchange), id).orElseThrow(() -> ProblemException.notFound("event " + id));
    }

    private ObjectNode render(StoredEvent e) {
        if (e.payload() != null) {
            try {
                return (ObjectNode) json.readTree(e.payload());
            } catch (IOException | ClassCastException unreadable) {
                // fall through to the summary
            }
        }
        // an event recorded before payloads were kept
        ObjectNode n = json.createObjectNode();
        n.put("id", e.id());
        n.put("object", "event");
        n.put("type", e.type());
        n.put("created_at", e.createdAt().toString());
        n.putObject("data").putObject("object").put("id", e.chargeId()).put("object", "charge");
        return n;
    }
}

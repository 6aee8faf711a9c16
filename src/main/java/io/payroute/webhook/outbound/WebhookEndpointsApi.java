package io.payroute.webhook.outbound;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payroute.api.ProblemException;
import io.payroute.api.ProblemException.FieldError;
import io.payroute.api.Responses;
import io.payroute.audit.AuditLog;
import io.payroute.charge.Ids;
import io.payroute.merchant.MerchantAuth;
import io.payroute.webhook.WebhookProperties;
import io.payroute.api.RequestFields;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code /v1/webhook-endpoints} (bean {@code webhookEndpointsApi}, routes/webhooks.yaml): a merchant registers
 * the URLs PayRoute pushes its events to, with the event types each wants. The signing secret is shown once, on
 * creation and on rotation; after a rotation the previous secret keeps signing (a second {@code v1}) for
 * {@code payroute.webhooks.rotation-overlap}, so the merchant can switch without losing a delivery.
 */
@Component("webhookEndpointsApi")
public class WebhookEndpointsApi {

    /** The event types an endpoint may subscribe to; {@code *} and {@code charge.*} cover them all / a family. */
    public static final List<String> EVENT_TYPES = List.of("charge.created", "charge.pending", "charge.requires_action",
            "charge.succeeded", "charge.failed", "refund.created", "refund.succeeded", "refund.failed");
    private static final Set<String> CREATE_FIELDS = Set.of("url", "enabled_events", "description");
    private static final Set<String> UPDATE_FIELDS = Set.of("url", "enabled_events", "description", "disabled");
    private static final Logger log = LoggerFactory.getLogger(WebhookEndpointsApi.class);

    private final WebhookEndpointRepository endpoints;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final EndpointSecrets secrets;
    private final EndpointAddressPolicy addresses;
    private final WebhookProperties properties;
    private final ObjectMapper json;
    private final Clock clock;

    public WebhookEndpointsApi(WebhookEndpointRepository endpoints, AuditLog audit, TransactionTemplate tx, EndpointSecrets secrets,
                               EndpointAddressPolicy addresses,
                               WebhookProperties properties, ObjectMapper json, Clock clock) {
        this.endpoints = endpoints;
        this.audit = audit;
        this.tx = tx;
        this.secrets = secrets;
        this.addresses = addresses;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
    }

    public void create(Exchange exchange) {
        String merchantId = MerchantAuth.merchantOf(exchange);
        ObjectNode body = Responses.jsonObject(exchange.getMessage(), json);
        List<FieldError> errors = new ArrayList<>();
        RequestFields.rejectUnknown(body, CREATE_FIELDS, errors);
        String url = url(body.get("url"), errors);
        List<String> events = events(body.get("enabled_events"), errors);
        String description = RequestFields.optionalText(body.get("description"), "description", 500, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        String id = Ids.webhookEndpoint();
        String secret = secrets.generate();
        Instant now = clock.instant();
        WebhookEndpoint endpoint = new WebhookEndpoint(id, merchantId, url, description, events, WebhookEndpoint.ENABLED,
                secrets.seal(id, secret), null, null, now, now);
        tx.executeWithoutResult(s -> {
            endpoints.insert(endpoint);
            audit.record("webhook_endpoint.created", "webhook_endpoint", id, url + " " + events);
        });
        log.info("webhook endpoint {} registered for {}", id, events);
        Responses.json(exchange, 201, render(endpoint).put("secret", secret).toString());
    }

    public void list(Exchange exchange) {
        ObjectNode out = json.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        endpoints.list(MerchantAuth.merchantOf(exchange)).forEach(e -> data.add(render(e)));
        Responses.json(exchange, 200, out.toString());
    }

    public void get(Exchange exchange) {
        Responses.json(exchange, 200, render(find(exchange)).toString());
    }

    /** Changes url, events, description, or {@code disabled}: a disabled endpoint is kept but receives nothing. */
    public void update(Exchange exchange) {
        WebhookEndpoint current = find(exchange);
        ObjectNode body = Responses.jsonObject(exchange.getMessage(), json);
        List<FieldError> errors = new ArrayList<>();
        RequestFields.rejectUnknown(body, UPDATE_FIELDS, errors);
        String url = body.has("url") ? url(body.get("url"), errors) : current.url();
        List<String> events = body.has("enabled_events") ? events(body.get("enabled_events"), errors) : current.enabledEvents();
        String description = body.has("description")
                ? RequestFields.optionalText(body.get("description"), "description", 500, errors) : current.description();
        String status = current.status();
        if (body.has("disabled")) {
            if (!body.get("disabled").isBoolean()) {
                errors.add(new FieldError("disabled", "must be true or false"));
            } else {
                status = body.get("disabled").asBoolean() ? WebhookEndpoint.DISABLED : WebhookEndpoint.ENABLED;
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        WebhookEndpoint updated = new WebhookEndpoint(current.id(), current.merchantId(), url, description, events, status,
                current.sealedSecret(), current.sealedPreviousSecret(), current.previousSecretExpiresAt(),
                current.createdAt(), clock.instant());
        save(updated, "updated");
        Responses.json(exchange, 200, render(updated).toString());
    }

    /** Deletes the endpoint: it receives nothing more; deliveries already made stay visible on their events. */
    public void delete(Exchange exchange) {
        WebhookEndpoint current = find(exchange);
        save(new WebhookEndpoint(current.id(), current.merchantId(), current.url(), current.description(), current.enabledEvents(),
                WebhookEndpoint.DELETED, current.sealedSecret(), null, null, current.createdAt(), clock.instant()), "deleted");
        Responses.json(exchange, 200, json.createObjectNode().put("id", current.id()).put("object", "webhook_endpoint")
                .put("deleted", true).toString());
    }

    /** A new secret, shown once; the previous one signs alongside it until the overlap ends. */
    public void rotateSecret(Exchange exchange) {
        WebhookEndpoint current = find(exchange);
        String secret = secrets.generate();
        Instant now = clock.instant();
        WebhookEndpoint rotated = new WebhookEndpoint(current.id(), current.merchantId(), current.url(), current.description(),
                current.enabledEvents(), current.status(), secrets.seal(current.id(), secret), current.sealedSecret(),
                now.plus(properties.getRotationOverlap()), current.createdAt(), now);
        save(rotated, "secret_rotated");
        log.info("webhook endpoint {}: secret rotated; the previous one signs until {}", current.id(),
                rotated.previousSecretExpiresAt());
        Responses.json(exchange, 200, render(rotated).put("secret", secret).toString());
    }

    /** Applies and audits a change ({@code action}: updated, deleted, secret_rotated). */
    private void save(WebhookEndpoint endpoint, String action) {
        tx.executeWithoutResult(s -> {
            if (!endpoints.update(endpoint)) {
                throw ProblemException.notFound("webhook endpoint " + endpoint.id());
            }
            audit.record("webhook_endpoint." + action, "webhook_endpoint", endpoint.id(),
                    endpoint.status() + " " + endpoint.url() + " " + endpoint.enabledEvents());
        });
    }

    private WebhookEndpoint find(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        if (!Ids.is("we_", id)) {
            throw ProblemException.notFound("webhook endpoint " + (id == null ? "" : id.replaceAll("[^\\w-]", "")));
        }
        return endpoints.find(MerchantAuth.merchantOf(exchange), id).orElseThrow(() -> ProblemException.notFound("webhook endpoint " + id));
    }

    private ObjectNode render(WebhookEndpoint e) {
        ObjectNode n = json.createObjectNode();
        n.put("id", e.id());
        n.put("object", "webhook_endpoint");
        n.put("url", e.url());
        n.put("description", e.description());
        e.enabledEvents().forEach(n.putArray("enabled_events")::add);
        n.put("status", e.status());
        if (e.previousSecretExpiresAt() != null && clock.instant().isBefore(e.previousSecretExpiresAt())) {
            n.put("previous_secret_expires_at", e.previousSecretExpiresAt().toString());
        }
        n.put("created_at", e.createdAt().toString());
        n.put("updated_at", e.updatedAt().toString());
        return n;
    }

    private String url(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError("url", "is required"));
            return null;
        }
        if (!node.isTextual() || node.asText().length() > 2048) {
            errors.add(new FieldError("url", "must be a URL of at most 2048 characters"));
            return null;
        }
        addresses.refusal(node.asText()).ifPresent(why -> errors.add(new FieldError("url", why)));
        return node.asText();
    }

    private static List<String> events(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError("enabled_events", "is required: a list of event types, or [\"*\"]"));
            return List.of();
        }
        if (!node.isArray() || node.isEmpty() || node.size() > 50) {
            errors.add(new FieldError("enabled_events", "must be a list of 1 to 50 event types"));
            return List.of();
        }
        Set<String> types = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String type = node.get(i).asText("");
            boolean known = type.equals("*") || EVENT_TYPES.contains(type)
                    || type.endsWith(".*") && EVENT_TYPES.stream().anyMatch(t -> t.startsWith(type.substring(0, type.length() - 1)));
            if (!node.get(i).isTextual() || !known) {
                errors.add(new FieldError("enabled_events[" + i + "]", "unknown event type; known: * " + String.join(" ", EVENT_TYPES)));
            } else {
                types.add(type);
            }
        }
        return List.copyOf(types);
    }
}

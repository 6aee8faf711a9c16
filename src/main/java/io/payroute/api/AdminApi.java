package io.payroute.api;

import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.payroute.analytics.AlertRepository;
import io.payroute.analytics.FailureSpikes;
import io.payroute.async.DeadLetters;
import io.payroute.audit.AuditLog;
import io.payroute.merchant.ProviderAccounts;
import io.payroute.provider.ProviderCatalog;
import io.payroute.routing.ProviderHealth;
import io.payroute.webhook.outbound.EndpointSecrets;
import io.payroute.webhook.inbound.ProviderWebhookRepository;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** The admin API's HTTP edges (bean {@code adminApi}, routes/api.yaml); {@link AdminAuth} guards every route first. */
@Component("adminApi")
public class AdminApi {

    private static final int MAX_LIST = 1000;
    private static final Set<String> WEBHOOK_RESULTS = Set.of("applied", "no_change", "unmatched", "conflict", "ignored");
    private final DeadLetters deadLetters;
    private final ProviderWebhookRepository providerWebhooks;
    private final AuditLog audit;
    private final ProviderAccounts accounts;
    private final EndpointSecrets endpointSecrets;
    private final AlertRepository alerts;
    private final FailureSpikes failureSpikes;
    private final ProviderCatalog catalog;
    private final CircuitBreakerRegistry breakers;
    private final ProviderHealth health;
    private final ObjectMapper json;

    public AdminApi(DeadLetters deadLetters, ProviderWebhookRepository providerWebhooks, AuditLog audit,
                    ProviderAccounts accounts, EndpointSecrets endpointSecrets, AlertRepository alerts,
                    FailureSpikes failureSpikes, ProviderCatalog catalog, CircuitBreakerRegistry breakers,
                    ProviderHealth health, ObjectMapper json) {
        this.deadLetters = deadLetters;
        this.providerWebhooks = providerWebhooks;
        this.audit = audit;
        this.accounts = accounts;
        this.endpointSecrets = endpointSecrets;
        this.alerts = alerts;
        this.failureSpikes = failureSpikes;
        this.catalog = catalog;
        this.breakers = breakers;
        this.health = health;
        this.json = json;
    }

    /** Failure-spike alerts, newest first: {@code ?status=open} (default) or {@code all}, {@code ?limit}. */
    public void listAlerts(Exchange exchange) {
        String status = exchange.getMessage().getHeader("status", "open", String.class);
        if (!status.equals("open") && !status.equals("all")) {
            throw ProblemException.invalid("status", "must be open or all");
        }
        ObjectNode out = json.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        alerts.list(status.equals("open"), limit(exchange)).forEach(a -> data.add(failureSpikes.render(a)));
        Responses.json(exchange, 200, out.toString());
    }

    /**
     * What this instance keeps in memory about each provider: its circuit breaker (state, failure rate, calls in
     * the breaker's window) and what the router scores it with over all its traffic (success rate, p95 latency).
     */
    public void providers(Exchange exchange) {
        ObjectNode out = json.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        for (String name : catalog.names()) {
            CircuitBreaker breaker = breakers.circuitBreaker(name);
            CircuitBreaker.Metrics m = breaker.getMetrics();
            ObjectNode p = data.addObject().put("provider", name);
            p.putObject("circuit").put("state", breaker.getState().name())
                    .put("failure_rate", m.getFailureRate() < 0 ? null : (double) m.getFailureRate())
                    .put("buffered_calls", m.getNumberOfBufferedCalls()).put("failed_calls", m.getNumberOfFailedCalls())
                    .put("not_permitted_calls", m.getNumberOfNotPermittedCalls());
            ProviderHealth.Estimate estimate = health.overall(name);
            p.putObject("routing_window").put("samples", (int) Math.round(estimate.samples()))
                    .put("success_rate", Math.round(estimate.successRate() * 10000) / 10000.0)
                    .put("latency_p95_ms", health.latencyP95(name));
        }
        Responses.json(exchange, 200, out.toString());
    }

    /** {@code ?object=<id>&actor=<key id|admin|system>&limit=}: newest first. */
    public void listAudit(Exchange exchange) throws JsonProcessingException {
        String object = exchange.getMessage().getHeader("object", String.class);
        String actor = exchange.getMessage().getHeader("actor", String.class);
        for (String[] f : new String[][] {{"object", object}, {"actor", actor}}) {
            if (f[1] != null && !f[1].matches("^[\\w:.-]{1,80}$")) {
                throw ProblemException.invalid(f[0], "must be an id (letters, digits, _ : . -)");
            }
        }
        Responses.json(exchange, 200, "{\"object\":\"list\",\"data\":"
                + json.writeValueAsString(audit.list(object, actor, limit(exchange))) + "}");
    }

    /** Walks the hash chain: valid, or the first row that was altered, removed or inserted. */
    public void verifyAudit(Exchange exchange) throws JsonProcessingException {
        Responses.json(exchange, 200, json.writeValueAsString(audit.verify()));
    }

    /** After a master key rotation: everything stored sealed is re-encrypted under the current key. */
    public void resealSecrets(Exchange exchange) {
        int providerAccounts = accounts.reseal();
        int endpoints = endpointSecrets.reseal();
        audit.record("secrets.resealed", "master_key", null, "provider accounts " + providerAccounts + ", endpoint secrets " + endpoints);
        Responses.json(exchange, 200, json.createObjectNode().put("provider_accounts", providerAccounts)
                .put("webhook_endpoint_secrets", endpoints).toString());
    }

    public void listDeadLetters(Exchange exchange) {
        Responses.json(exchange, 200, "{\"object\":\"list\",\"data\":" + deadLetters.list(limit(exchange)) + "}");
    }

    /** Verified provider webhooks with what each did; {@code ?result=unmatched} (or conflict, ...) for those to look at. */
    public void listProviderWebhooks(Exchange exchange) throws JsonProcessingException {
        String result = exchange.getMessage().getHeader("result", String.class);
        if (result != null && !WEBHOOK_RESULTS.contains(result)) {
            throw ProblemException.invalid("result", "must be one of " + String.join(", ", new TreeSet<>(WEBHOOK_RESULTS)));
        }
        Responses.json(exchange, 200, "{\"object\":\"list\",\"data\":"
                + json.writeValueAsString(providerWebhooks.list(result, limit(exchange))) + "}");
    }

    private static int limit(Exchange exchange) {
        return RequestFields.limit(exchange.getMessage().getHeader("limit", String.class), 100, MAX_LIST);
    }

    public void replayDeadLetter(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        if (id == null || !id.matches("^[0-9A-Za-z-]{1,64}$") || !deadLetters.replay(id)) {
            throw ProblemException.notFound("dead letter " + (id == null ? "" : id.replaceAll("[^0-9A-Za-z-]", "")));
        }
        audit.record("dead_letter.replayed", "dead_letter", id, null);
        Responses.json(exchange, 200, "{\"replayed\":1}");
    }

    public void replayAllDeadLetters(Exchange exchange) {
        int replayed = deadLetters.replayAll();
        audit.record("dead_letter.replayed_all", "dead_letter", null, replayed + " replayed");
        Responses.json(exchange, 200, "{\"replayed\":" + replayed + "}");
    }
}

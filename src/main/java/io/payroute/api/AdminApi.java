package io.payroute.api;

import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payroute.async.DeadLetters;
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
    private final ObjectMapper json;

    public AdminApi(DeadLetters deadLetters, ProviderWebhookRepository providerWebhooks, ObjectMapper json) {
        this.deadLetters = deadLetters;
        this.providerWebhooks = providerWebhooks;
        this.json = json;
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
        String limit = exchange.getMessage().getHeader("limit", String.class);
        if (limit == null) {
            return 100;
        }
        if (!limit.matches("^[0-9]{1,4}$") || Integer.parseInt(limit) < 1 || Integer.parseInt(limit) > MAX_LIST) {
            throw ProblemException.invalid("limit", "must be an integer from 1 to " + MAX_LIST);
        }
        return Integer.parseInt(limit);
    }

    public void replayDeadLetter(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        if (id == null || !id.matches("^[0-9A-Za-z-]{1,64}$") || !deadLetters.replay(id)) {
            throw ProblemException.notFound("dead letter " + (id == null ? "" : id.replaceAll("[^0-9A-Za-z-]", "")));
        }
        Responses.json(exchange, 200, "{\"replayed\":1}");
    }

    public void replayAllDeadLetters(Exchange exchange) {
        Responses.json(exchange, 200, "{\"replayed\":" + deadLetters.replayAll() + "}");
    }
}

package io.payroute.api;

import io.payroute.async.DeadLetters;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/** The admin API's HTTP edges (bean {@code adminApi}, routes/api.yaml); {@link AdminAuth} guards every route first. */
@Component("adminApi")
public class AdminApi {

    private static final int MAX_LIST = 1000;
    private final DeadLetters deadLetters;

    public AdminApi(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    public void listDeadLetters(Exchange exchange) {
        String limit = exchange.getMessage().getHeader("limit", String.class);
        int n = 100;
        if (limit != null) {
            if (!limit.matches("^[0-9]{1,4}$") || Integer.parseInt(limit) < 1 || Integer.parseInt(limit) > MAX_LIST) {
                throw ProblemException.invalid("limit", "must be an integer from 1 to " + MAX_LIST);
            }
            n = Integer.parseInt(limit);
        }
        respond(exchange, 200, "{\"object\":\"list\",\"data\":" + deadLetters.list(n) + "}");
    }

    public void replayDeadLetter(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        if (id == null || !id.matches("^[0-9A-Za-z-]{1,64}$") || !deadLetters.replay(id)) {
            throw ProblemException.notFound("dead letter " + (id == null ? "" : id.replaceAll("[^0-9A-Za-z-]", "")));
        }
        respond(exchange, 200, "{\"replayed\":1}");
    }

    public void replayAllDeadLetters(Exchange exchange) {
        respond(exchange, 200, "{\"replayed\":" + deadLetters.replayAll() + "}");
    }

    private static void respond(Exchange exchange, int status, String body) {
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(body);
    }
}

package io.payroute.api;

import io.payroute.charge.Ids;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.MDC;

/**
 * The keys PayRoute adds to every log line of a request (MDC): in JSON logs they are fields of their own, so
 * one charge or request can be followed across the service.
 */
public final class LogContext {

    public static final String REQUEST_ID = "request_id";
    public static final String CHARGE_ID = "charge_id";
    /** Who acts (an API key id, {@code admin}, a broker user) and from where (the client's address); also the audit log's. */
    public static final String ACTOR = "actor";
    public static final String SOURCE = "source";
    /** The property that carries the correlation id on every message PayRoute sends (docs/observability.md). */
    public static final String MESSAGE_PROPERTY = "requestId";

    /** Clears the keys when an exchange is done, so a pooled thread never carries them into the next request. */
    static final SynchronizationAdapter CLEAR = new SynchronizationAdapter() {
        @Override
        public void onDone(Exchange exchange) {
            MDC.remove(REQUEST_ID);
            MDC.remove(CHARGE_ID);
            MDC.remove(ACTOR);
            MDC.remove(SOURCE);
        }
    };

    private LogContext() {
    }

    /** Records who acts and from where for the rest of this exchange (log lines, audit log). */
    public static void actor(Exchange exchange, String actor, String source) {
        MDC.put(ACTOR, actor);
        if (source != null) {
            MDC.put(SOURCE, source);
        }
        exchange.getExchangeExtension().addOnCompletion(CLEAR);
    }

    /** The HTTP client's address, or null outside an HTTP request. */
    public static String clientAddress(Exchange exchange) {
        HttpServletRequest request = exchange.getMessage().getHeader(Exchange.HTTP_SERVLET_REQUEST, HttpServletRequest.class);
        return request == null ? null : request.getRemoteAddr();
    }

    /**
     * Makes {@code requestId} the correlation id of this exchange (exchange property {@link ChargeFlow#REQUEST_ID},
     * sent to providers) and of its log lines, until the exchange is done.
     */
    public static void correlate(Exchange exchange, String requestId) {
        exchange.setProperty(ChargeFlow.REQUEST_ID, requestId);
        MDC.put(REQUEST_ID, requestId);
        exchange.getExchangeExtension().addOnCompletion(CLEAR);
    }

    /** A consumer's first step: carries on with the correlation id of the message (a new one if it has none). */
    public static void continueFrom(Exchange exchange) {
        String given = exchange.getMessage().getHeader(MESSAGE_PROPERTY, String.class);
        correlate(exchange, ChargeFlow.validRequestId(given) ? given : Ids.requestId());
    }

    /** The correlation id of the work this thread is doing, the one its log lines carry; null outside any. */
    public static String requestId() {
        return MDC.get(REQUEST_ID);
    }
}

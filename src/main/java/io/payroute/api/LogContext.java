package io.payroute.api;

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

    /** Clears the keys when an exchange is done, so a pooled thread never carries them into the next request. */
    static final SynchronizationAdapter CLEAR = new SynchronizationAdapter() {
        @Override
        public void onDone(Exchange exchange) {
            MDC.remove(REQUEST_ID);
            MDC.remove(CHARGE_ID);
        }
    };

    private LogContext() {
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
}

package io.payroute.observability;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Spans of provider calls (Micrometer Tracing over Brave; docs/observability.md). The request or message being
 * worked is one trace: a {@code payroute} span from its first provider call until the exchange is done, with one
 * child span per provider call, opened when the request is ready and ended with the HTTP status or the failure's
 * code. Spans carry the provider, the kind of call, the charge and the correlation id; the call's trace context
 * goes to the provider as W3C {@code traceparent}, which providers ignore. Spans leave the process only where
 * Zipkin export is switched on; without a tracer (tracing disabled) this does nothing.
 */
@Component
public class ProviderCallSpans {

    private static final String TRACE = "payrouteTrace";
    private static final String CALL = "payrouteProviderCallSpan";

    private final Tracer tracer;
    private final Propagator propagator;

    public ProviderCallSpans(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
        this.propagator = propagator.getIfAvailable(() -> Propagator.NOOP);
    }

    /** Opens the span of the call about to be made and puts its context on the outgoing request's headers. */
    public void start(Exchange exchange, String provider, String kind, String requestId, String chargeId) {
        Span call = tagged(tracer.nextSpan(trace(exchange, requestId, chargeId)), requestId, chargeId)
                .name("provider " + kind).tag("payroute.provider", provider).tag("payroute.call", kind)
                .remoteServiceName(provider).start();
        propagator.inject(call.context(), exchange.getMessage(), (message, key, value) -> message.setHeader(key, value));
        exchange.setProperty(CALL, call);
    }

    /** Ends the call's span, if one is open: {@code result} is the HTTP status or the failure's code. */
    public void end(Exchange exchange, String result, Throwable error) {
        Span call = exchange.getProperty(CALL, Span.class);
        if (call == null) {
            return;
        }
        exchange.removeProperty(CALL);
        call.tag("payroute.result", result);
        if (error != null) {
            call.error(error);
        }
        call.end();
    }

    /** The exchange's own span, started with its first provider call and ended when the exchange is done. */
    private Span trace(Exchange exchange, String requestId, String chargeId) {
        Span trace = exchange.getProperty(TRACE, Span.class);
        if (trace == null) {
            Span current = tracer.currentSpan();
            trace = tagged(current != null ? tracer.nextSpan(current) : tracer.nextSpan(), requestId, chargeId).name("payroute").start();
            Span started = trace;
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    started.end();
                }
            });
            exchange.setProperty(TRACE, trace);
        }
        return trace;
    }

    private static Span tagged(Span span, String requestId, String chargeId) {
        if (requestId != null) {
            span.tag("payroute.request_id", requestId);
        }
        if (chargeId != null) {
            span.tag("payroute.charge_id", chargeId);
        }
        return span;
    }
}

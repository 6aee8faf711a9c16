package io.payroute.support;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** The provider-call spans the service finished (the last 500), as a Zipkin exporter would get them. */
@TestConfiguration(proxyBeanMethods = false)
public class CapturedSpans {

    private static final int KEPT = 500;
    private final ConcurrentLinkedDeque<MutableSpan> spans = new ConcurrentLinkedDeque<>();

    @Bean
    SpanHandler providerCallSpanCapture() {
        return new SpanHandler() {
            @Override
            public boolean end(TraceContext context, MutableSpan span, Cause cause) {
                if (cause == Cause.FINISHED && span.name() != null && span.name().startsWith("provider ")) {
                    spans.addLast(span);
                    while (spans.size() > KEPT) {
                        spans.pollFirst();
                    }
                }
                return true;
            }
        };
    }

    /** Finished provider-call spans tagged with this correlation id, oldest first. */
    public List<MutableSpan> forRequest(String requestId) {
        return spans.stream().filter(s -> requestId.equals(s.tag("payroute.request_id"))).toList();
    }
}

package io.payroute.provider;

import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The provider calls this instance is waiting on, and since when (bean {@code inFlightCalls}): a provider that stops
 * answering shows here at once, while its circuit breaker learns of it only as calls time out, seconds later
 * (routing scores such a provider as stalled, docs/routing.md#score).
 */
@Component("inFlightCalls")
public class InFlightCalls {

    /** Exchange property: this exchange's call in flight. */
    static final String CALL = "inFlightCall";

    private record Call(String provider, long id) {
    }

    private final ProviderCatalog catalog;
    private final Clock clock;
    private final AtomicLong ids = new AtomicLong();
    /** provider → call → start (epoch millis). */
    private final Map<String, Map<Long, Long>> calls = new ConcurrentHashMap<>();

    public InFlightCalls(ProviderCatalog catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    /** A call to {@code provider} is about to be sent for this exchange. */
    void started(String provider, Exchange exchange) {
        long id = ids.incrementAndGet();
        calls.computeIfAbsent(provider, p -> new ConcurrentHashMap<>()).put(id, now());
        exchange.setProperty(CALL, new Call(provider, id));
    }

    /** The exchange's call has its answer or its failure (a second end of the same call changes nothing). */
    void ended(Exchange exchange) {
        Call call = exchange.getProperty(CALL, Call.class);
        if (call != null) {
            Map<Long, Long> running = calls.get(call.provider());
            if (running != null) {
                running.remove(call.id());
            }
            exchange.removeProperty(CALL);
        }
    }

    /**
     * How long the provider's oldest call in flight has been running, 0 when none is. A call older than an attempt
     * can keep one open was never ended by an exchange that failed on the way, and is forgotten.
     */
    public long oldestMillis(String provider) {
        Map<Long, Long> running = calls.get(provider);
        if (running == null || running.isEmpty()) {
            return 0;
        }
        long longest = catalog.provider(provider).longestCallWithStatusQuery().toMillis();
        long nowMillis = now();
        long oldest = 0;
        for (Iterator<Long> it = running.values().iterator(); it.hasNext(); ) {
            long age = nowMillis - it.next();
            if (age > longest) {
                it.remove();
            } else {
                oldest = Math.max(oldest, age);
            }
        }
        return oldest;
    }

    /** Epoch millis: not Clock.millis(), which a microsecond tick clock divides by zero on JDK 17. */
    private long now() {
        return clock.instant().toEpochMilli();
    }
}

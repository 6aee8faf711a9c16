package io.payroute.simulator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Delivers one provider simulator's webhooks: asynchronously (never on a thread answering a request), signed per
 * attempt by the dialect, retried on an I/O error or a non-2xx answer, each one recorded in a bounded list.
 */
final class WebhookSender {
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Waits before the second and the third (last) attempt. */
    static final List<Duration> RETRY_DELAYS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(5));
    /** Bounds memory in long runs; the oldest records go first. */
    static final int MAX_DELIVERIES = 1000;

    private final ProviderDialect dialect;
    private final String secret;
    private final HttpClient http;
    private final Executor workers;
    private final ScheduledExecutorService timer;
    private final Deque<Delivery> deliveries = new ArrayDeque<>(); // guarded by itself
    private volatile List<Duration> retryDelays = RETRY_DELAYS;

    WebhookSender(ProviderDialect dialect, String secret, HttpClient http, Executor workers, ScheduledExecutorService timer) {
        this.dialect = dialect;
        this.secret = secret;
        this.http = http;
        this.workers = workers;
        this.timer = timer;
    }

    /** Starts delivering; returns at once. */
    void send(URI url, String reference, WebhookEvent event) {
        Delivery d = new Delivery(event, reference, url);
        synchronized (deliveries) {
            deliveries.addLast(d);
            while (deliveries.size() > MAX_DELIVERIES) {
                deliveries.removeFirst(); // forgotten, not stopped
            }
        }
        attempt(d);
    }

    List<WebhookDelivery> deliveries() {
        List<WebhookDelivery> out = new ArrayList<>();
        synchronized (deliveries) {
            deliveries.forEach(d -> out.add(d.snapshot()));
        }
        return out;
    }

    /** Forgets every record and stops their pending retries (the ledger they belong to is gone). */
    void clear() {
        synchronized (deliveries) {
            deliveries.forEach(Delivery::cancel);
            deliveries.clear();
        }
    }

    void setRetryDelays(List<Duration> delays) {
        retryDelays = List.copyOf(delays);
    }

    private void attempt(Delivery d) {
        if (!d.startAttempt()) {
            return;
        }
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(d.url).timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(d.event.body()));
            // signed per attempt: Stripe's signature carries the attempt's timestamp
            dialect.webhookSignature(d.event.body(), secret, Instant.now()).forEach(request::header);
            http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> answered(d, response, error));
        } catch (RuntimeException e) {
            answered(d, null, e);
        }
    }

    private void answered(Delivery d, HttpResponse<Void> response, Throwable error) {
        Integer status = response == null ? null : response.statusCode();
        String failure = error != null ? describe(error)
                : status / 100 == 2 ? null : "HTTP " + status;
        List<Duration> delays = retryDelays;
        int attempts = d.finishAttempt(status, failure, delays.size() + 1);
        if (failure == null) {
            return;
        }
        log.debug("{} webhook {} for {}: attempt {} failed: {}", dialect.name(), d.event.type(), d.reference, attempts, failure);
        if (attempts <= delays.size()) {
            ProviderSimulator.later(timer, workers, delays.get(attempts - 1).toMillis(), () -> attempt(d), d::cancel);
        }
    }

    private static String describe(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** One webhook's delivery state, updated from the HTTP client's threads. */
    private static final class Delivery {
        final WebhookEvent event;
        final String reference;
        final URI url;
        private int attempts;
        private Integer statusCode;
        private String error;
        private Instant sentAt;
        private WebhookDelivery.State state = WebhookDelivery.State.DELIVERING;

        Delivery(WebhookEvent event, String reference, URI url) {
            this.event = event;
            this.reference = reference;
            this.url = url;
        }

        /** False once cancelled or finished: no (further) attempt is made. */
        synchronized boolean startAttempt() {
            if (state != WebhookDelivery.State.DELIVERING) {
                return false;
            }
            attempts++;
            if (sentAt == null) {
                sentAt = Instant.now();
            }
            return true;
        }

        /** Records an attempt's result; returns the attempts made so far. */
        synchronized int finishAttempt(Integer status, String failure, int maxAttempts) {
            statusCode = status;
            error = failure;
            if (state == WebhookDelivery.State.DELIVERING) {
                state = failure == null ? WebhookDelivery.State.DELIVERED
                        : attempts >= maxAttempts ? WebhookDelivery.State.FAILED : WebhookDelivery.State.DELIVERING;
            }
            return attempts;
        }

        synchronized void cancel() {
            if (state == WebhookDelivery.State.DELIVERING) {
                state = WebhookDelivery.State.FAILED;
            }
        }

        synchronized WebhookDelivery snapshot() {
            return new WebhookDelivery(event.type(), reference, url, attempts, statusCode, error, sentAt, state);
        }
    }
}

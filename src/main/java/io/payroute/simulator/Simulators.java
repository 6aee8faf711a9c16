package io.payroute.simulator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The running provider simulators (Paystack, Flutterwave v3, Stripe), each on its own loopback port,
 * plus the control API on another. Start with {@link #start(SimulatorSettings)}; close to stop everything
 * (listeners, pending latency and auto-settle timers, webhook retries).
 */
public final class Simulators implements AutoCloseable {
    public static final String PAYSTACK = "paystack";
    public static final String FLUTTERWAVE = "flutterwave";
    public static final String STRIPE = "stripe";
    public static final List<String> PROVIDERS = List.of(PAYSTACK, FLUTTERWAVE, STRIPE);

    private static final Logger log = LoggerFactory.getLogger(Simulators.class);

    private final Map<String, ProviderSimulator> providers = new LinkedHashMap<>();
    private final ExecutorService workers;
    private final ScheduledThreadPoolExecutor timer;
    private ControlServer control;
    private volatile boolean closed;

    private Simulators(SimulatorSettings settings) {
        // a small fixed pool does all request work; delays are timers, so threads never sleep
        int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                daemonThreads("payroute-sim-worker"));
        timer = new ScheduledThreadPoolExecutor(1, daemonThreads("payroute-sim-timer"));
        timer.setRemoveOnCancelPolicy(true);
        // one client for every provider's webhooks; HTTP/1.1 as the providers send them (no h2c upgrade attempt)
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(WebhookSender.TIMEOUT).build();
        long seed = settings.seed() != null ? settings.seed() : new Random().nextLong();
        for (ProviderDialect dialect : List.of(new PaystackDialect(), new FlutterwaveDialect(), new StripeDialect())) {
            // each provider gets its own stream so one provider's traffic does not shift another's outcomes
            Random random = new Random(seed ^ dialect.name().hashCode());
            providers.put(dialect.name(), new ProviderSimulator(dialect, settings.host(),
                    settings.provider(dialect.name()), random, workers, timer, http));
        }
    }

    /** Binds every listener; on failure, whatever was started is stopped again. */
    public static Simulators start(SimulatorSettings settings) {
        enableNoDelay();
        Simulators sims = new Simulators(settings);
        try {
            for (ProviderSimulator p : sims.providers.values()) {
                p.start();
            }
            sims.control = new ControlServer(sims, settings.host(), settings.controlPort(), sims.workers);
        } catch (IOException e) {
            sims.close();
            throw new UncheckedIOException("cannot start provider simulators: " + e.getMessage(), e);
        }
        log.info("Provider simulators started: {} control={}", sims.describe(), sims.controlUrl());
        return sims;
    }

    /**
     * JDK HTTP server tuning; must be set before its classes initialise. It writes headers and body separately,
     * so with Nagle on a keep-alive client's delayed ACK adds ~40 ms to every response. And it keeps at most
     * 200 idle keep-alive connections by default, closing the rest under a client's feet: a load test with 500
     * pooled connections would then see resets on reused connections instead of the provider's behaviour.
     */
    private static void enableNoDelay() {
        setIfAbsent("sun.net.httpserver.nodelay", "true");
        setIfAbsent("sun.net.httpserver.maxIdleConnections", "10000");
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** Root URL of a provider, e.g. {@code http://127.0.0.1:18082}; clients append /v3 or /v1 themselves. */
    public URI baseUrl(String provider) {
        return provider(provider).baseUrl();
    }

    public URI controlUrl() {
        return control.url();
    }

    public List<String> providers() {
        return PROVIDERS;
    }

    /** Every recorded charge of a provider (with its refunds), oldest first. */
    public List<LedgerEntry> ledger(String provider) {
        return provider(provider).ledger(null);
    }

    /** Recorded charges of a provider with the given ledger reference. */
    public List<LedgerEntry> ledger(String provider, String reference) {
        return provider(provider).ledger(reference);
    }

    /** Every recorded charge of every provider. */
    public List<LedgerEntry> allLedgers() {
        List<LedgerEntry> all = new ArrayList<>();
        providers.values().forEach(p -> all.addAll(p.ledger(null)));
        return all;
    }

    /**
     * Settles a pending charge as the provider later would ("succeeded" or "failed"); its status and verify
     * endpoints answer with the new status from then on.
     */
    public Optional<LedgerEntry> settle(String provider, String reference, boolean succeeded) {
        return provider(provider).settle(reference, succeeded);
    }

    /**
     * Settles a pending refund as the provider later would ("succeeded" or "failed"); its fetch endpoint answers with
     * the new status from then on, and its webhook is sent.
     */
    public Optional<RefundEntry> settleRefund(String provider, String refundId, boolean succeeded) {
        return provider(provider).settleRefund(refundId, succeeded);
    }

    public void clearLedger(String provider) {
        provider(provider).clearLedger();
    }

    public void clearLedgers() {
        providers.values().forEach(ProviderSimulator::clearLedger);
    }

    public Mode mode(String provider) {
        return provider(provider).mode();
    }

    public void setMode(String provider, Mode mode) {
        provider(provider).setMode(mode);
    }

    public Behaviour behaviour(String provider) {
        return provider(provider).behaviour();
    }

    public void setBehaviour(String provider, Behaviour behaviour) {
        provider(provider).setBehaviour(behaviour);
    }

    /** Where and when a provider sends its webhooks. */
    public WebhookSettings webhooks(String provider) {
        return provider(provider).webhooks();
    }

    public void setWebhooks(String provider, WebhookSettings webhooks) {
        Objects.requireNonNull(webhooks, "webhooks");
        provider(provider).updateWebhooks(w -> webhooks);
    }

    /** Sends a provider's webhooks to {@code url} from now on; null stops sending them. */
    public void setWebhookUrl(String provider, URI url) {
        provider(provider).updateWebhooks(w -> w.withUrl(url));
    }

    public void setWebhookSend(String provider, WebhookSend send) {
        provider(provider).updateWebhooks(w -> w.withSend(send));
    }

    /**
     * The webhook URL of a provider whose settings name none (the service's own endpoint, once its port is known):
     * it becomes the one {@link #reset} returns to. Ignored, returning false, if the settings name a URL.
     */
    public boolean setDefaultWebhookUrl(String provider, URI url) {
        return provider(provider).setDefaultWebhookUrl(new WebhookSettings(Objects.requireNonNull(url, "url"), null).url());
    }

    /** The webhooks a provider sent since its ledger was last cleared, oldest first (at most the latest 1000). */
    public List<WebhookDelivery> webhookDeliveries(String provider) {
        return provider(provider).webhookDeliveries();
    }

    /**
     * Back to a clean state: every provider in normal mode, with the given behaviour, the configured webhook
     * settings, empty ledgers and no webhook deliveries.
     */
    public void reset(Behaviour behaviour) {
        for (ProviderSimulator p : providers.values()) {
            p.setMode(Mode.NORMAL);
            p.setBehaviour(behaviour);
            p.resetWebhooks();
            p.clearLedger();
        }
    }

    /** Waits before the 2nd, 3rd, ... webhook attempt (default 1 s, 5 s); tests shorten them. */
    void setWebhookRetryDelays(Duration... delays) {
        providers.values().forEach(p -> p.setWebhookRetryDelays(Arrays.asList(delays)));
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (control != null) {
            control.stop();
        }
        providers.values().forEach(ProviderSimulator::stop);
        timer.shutdownNow();
        workers.shutdownNow();
    }

    // ---- package internals for the control API ----

    ProviderSimulator provider(String name) {
        ProviderSimulator p = name == null ? null : providers.get(name.toLowerCase(Locale.ROOT));
        if (p == null) {
            throw new IllegalArgumentException("unknown provider: " + name + " (known: " + PROVIDERS + ")");
        }
        return p;
    }

    boolean knows(String name) {
        return name != null && providers.containsKey(name.toLowerCase(Locale.ROOT));
    }

    Collection<ProviderSimulator> all() {
        return providers.values();
    }

    private String describe() {
        StringBuilder sb = new StringBuilder();
        providers.forEach((n, p) -> sb.append(n).append('=').append(p.baseUrl()).append(' '));
        return sb.toString().trim();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

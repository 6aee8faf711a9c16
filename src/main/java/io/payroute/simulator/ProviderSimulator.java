package io.payroute.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The shared engine behind one provider: listener lifecycle, runtime mode, latency scheduling, auth,
 * outcome choice, ledger, refunds, auto-settling and webhooks. The provider-specific wire format (including the webhook
 * body and its signature) is delegated to a {@link ProviderDialect}.
 */
final class ProviderSimulator implements ChargeDesk {
    private static final Logger log = LoggerFactory.getLogger(ProviderSimulator.class);
    /** Large accept backlog: load tests open hundreds of connections at once. */
    static final int BACKLOG = 1024;

    private final ProviderDialect dialect;
    private final String host;
    private final String secretKey;
    private final ExecutorService workers;
    private final ScheduledExecutorService timer;
    private final OutcomePicker picker;
    private final Ledger ledger = new Ledger();
    private final Set<HttpExchange> hung = ConcurrentHashMap.newKeySet();
    private final WebhookSender webhookSender;

    private volatile Mode mode = Mode.NORMAL;
    private volatile Behaviour behaviour;
    private volatile WebhookSettings webhooks;
    /** What {@link #resetWebhooks()} returns to: the settings, or the service's endpoint once known. */
    private volatile WebhookSettings configuredWebhooks;
    private HttpServer server; // guarded by this
    private int port;          // the real port once bound; reused when reopening after "refuse"

    ProviderSimulator(ProviderDialect dialect, String host, ProviderSettings settings, Random random,
                      ExecutorService workers, ScheduledExecutorService timer, HttpClient http) {
        this.dialect = dialect;
        this.host = host;
        this.secretKey = settings.secretKey();
        this.port = settings.port();
        this.behaviour = settings.behaviour();
        this.webhooks = settings.webhooks();
        this.configuredWebhooks = settings.webhooks();
        this.picker = new OutcomePicker(random);
        this.workers = workers;
        this.timer = timer;
        this.webhookSender = new WebhookSender(dialect, settings.effectiveWebhookSecret(), http, workers, timer);
    }

    String name() {
        return dialect.name();
    }

    synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        HttpServer s = HttpServer.create(new InetSocketAddress(host, port), BACKLOG);
        s.createContext("/", this::handle);
        s.setExecutor(workers);
        s.start();
        server = s;
        port = s.getAddress().getPort();
    }

    synchronized void stop() {
        if (server != null) {
            server.stop(0); // closes the listening socket and every open connection
            server = null;
        }
        releaseHung();
    }

    synchronized URI baseUrl() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port);
    }

    Mode mode() {
        return mode;
    }

    synchronized void setMode(Mode newMode) {
        Mode old = mode;
        mode = newMode;
        if (newMode == Mode.REFUSE) {
            stop();
        } else {
            try {
                start();
            } catch (IOException e) {
                mode = old;
                throw new UncheckedIOException("cannot reopen " + name() + " on port " + port, e);
            }
            if (newMode != Mode.HANG) {
                releaseHung();
            }
        }
    }

    Behaviour behaviour() {
        return behaviour;
    }

    void setBehaviour(Behaviour b) {
        behaviour = b;
    }

    List<LedgerEntry> ledger(String reference) {
        return ledger.entries(reference);
    }

    /** Also forgets the webhooks sent (and stops their retries). */
    void clearLedger() {
        ledger.clear();
        dialect.reset();
        webhookSender.clear();
    }

    WebhookSettings webhooks() {
        return webhooks;
    }

    synchronized void updateWebhooks(UnaryOperator<WebhookSettings> change) {
        webhooks = change.apply(webhooks);
    }

    synchronized void resetWebhooks() {
        webhooks = configuredWebhooks;
    }

    /**
     * Makes {@code url} the configured webhook URL, unless the settings named one; a URL already set at runtime
     * is kept. Returns whether it was taken.
     */
    synchronized boolean setDefaultWebhookUrl(URI url) {
        if (configuredWebhooks.url() != null) {
            return false;
        }
        configuredWebhooks = configuredWebhooks.withUrl(url);
        if (webhooks.url() == null) {
            webhooks = webhooks.withUrl(url);
        }
        return true;
    }

    List<WebhookDelivery> webhookDeliveries() {
        return webhookSender.deliveries();
    }

    void setWebhookRetryDelays(List<Duration> delays) {
        webhookSender.setRetryDelays(delays);
    }

    // ---- request handling (runs on the shared worker pool) ----

    private void handle(HttpExchange ex) {
        try {
            Mode m = mode;
            if (m == Mode.HANG) {
                hung.add(ex);
                if (mode != Mode.HANG) { // the mode changed while we parked it
                    releaseHung();
                }
                return;
            }
            if (m == Mode.UNAVAILABLE) {
                ex.getRequestBody().close();
                respond(ex, dialect.error(ErrorKind.UNAVAILABLE, null, null));
                return;
            }
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            SimRequest req = SimRequest.of(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                    ex.getRequestURI().getRawQuery(), ex.getRequestHeaders(), body);
            respond(ex, dispatch(req));
        } catch (IOException | RuntimeException e) {
            log.debug("{} simulator: request failed", name(), e);
            ex.close();
        }
    }

    private SimResponse dispatch(SimRequest req) {
        if (!dialect.authorized(req, secretKey)) {
            return dialect.error(ErrorKind.UNAUTHORIZED, null, null);
        }
        try {
            return dialect.handle(req, this);
        } catch (SimException e) {
            return dialect.error(e.kind, e.getMessage(), e.param);
        } catch (RuntimeException e) {
            log.warn("{} simulator: unexpected failure on {} {}", name(), req.method(), req.path(), e);
            return dialect.error(ErrorKind.SERVER_ERROR, null, null);
        }
    }

    /** Sends now or, with latency, from the scheduler: handler threads never sleep. */
    private void respond(HttpExchange ex, SimResponse r) {
        long delay = picker.latency(behaviour) + r.extraDelayMs();
        if (delay <= 0) {
            write(ex, r);
            return;
        }
        later(timer, workers, delay, () -> write(ex, r), ex::close);
    }

    /**
     * Runs {@code task} on a worker after {@code delayMs}; the timer only hands over, so its one thread is never
     * busy. {@code ifShuttingDown} runs instead when the pools no longer take work.
     */
    static void later(ScheduledExecutorService timer, Executor workers, long delayMs, Runnable task, Runnable ifShuttingDown) {
        try {
            timer.schedule(() -> {
                try {
                    workers.execute(task);
                } catch (RejectedExecutionException e) {
                    ifShuttingDown.run();
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            ifShuttingDown.run();
        }
    }

    static void write(HttpExchange ex, SimResponse r) {
        try {
            if (r.contentType() != null) {
                ex.getResponseHeaders().set("Content-Type", r.contentType());
            }
            for (Map.Entry<String, String> h : r.headers().entrySet()) {
                ex.getResponseHeaders().set(h.getKey(), h.getValue());
            }
            if (r.body().length == 0) {
                ex.sendResponseHeaders(r.status(), -1);
            } else {
                ex.sendResponseHeaders(r.status(), r.body().length);
                ex.getResponseBody().write(r.body());
            }
        } catch (IOException e) {
            // the client gave up (timeout, refuse drill); nothing to do
        } finally {
            ex.close();
        }
    }

    private void releaseHung() {
        for (HttpExchange ex : hung) {
            if (hung.remove(ex)) {
                try {
                    workers.execute(() -> write(ex, dialect.error(ErrorKind.UNAVAILABLE, null, null)));
                } catch (RejectedExecutionException e) {
                    ex.close(); // shutting down
                }
            }
        }
    }

    // ---- ChargeDesk: the one charge flow shared by every dialect ----

    @Override
    public SimResponse charge(ChargeAttempt attempt) {
        if (attempt.uniqueReference() && ledger.hasUniqueReference(attempt.reference())) {
            return dialect.duplicate(attempt);
        }
        Behaviour b = behaviour;
        Outcome outcome = picker.pick(attempt, b);
        switch (outcome) {
            case INVALID_CARD:
                return dialect.invalidCard(attempt);
            case ERROR:
                return dialect.error(ErrorKind.SERVER_ERROR, null, null);
            case UNAVAILABLE:
                return dialect.error(ErrorKind.UNAVAILABLE, null, null);
            case RATE_LIMITED:
                return dialect.error(ErrorKind.RATE_LIMITED, null, null);
            default:
                break;
        }
        LedgerEntry entry = new LedgerEntry(attempt.id(), attempt.reference(), attempt.amountMinor(),
                attempt.currency(), outcome.recordedAs, attempt.paymentMethod(),
                java.util.Collections.unmodifiableMap(attempt.metadata()), Instant.now());
        ChargeRecord record = new ChargeRecord(entry, outcome, attempt.token(), attempt.email(),
                OutcomePicker.refundPlan(attempt));
        if (!ledger.add(record, attempt.uniqueReference())) {
            return dialect.duplicate(attempt); // lost a race with a concurrent duplicate
        }
        SimResponse response = dialect.renderCharge(record);
        if (isFinal(entry)) {
            announce(record, false);
        } else if (LedgerEntry.PENDING.equals(entry.status()) && b.pendingSettleMs() > 0) {
            // requires_action is left alone: it waits for the customer, not for the provider
            later(timer, workers, b.pendingSettleMs(), () -> autoSettle(entry.id()), () -> { });
        }
        // "provider charged, client timed out": recorded now, answered late
        return outcome == Outcome.TIMEOUT ? response.withExtraDelay(b.timeoutDelayMs()) : response;
    }

    /** The provider's asynchronous outcome of a pending charge: it succeeds, or fails as a generic decline. */
    public Optional<LedgerEntry> settle(String reference, boolean succeeded) {
        return settled(ledger.settle(reference, OutcomePicker.settlement(succeeded)));
    }

    /** pending_settle_ms elapsed: settles like {@link #settle} (by id: a Stripe reference need not be unique). */
    private void autoSettle(String id) {
        settled(ledger.settleById(id, OutcomePicker.settlement(picker.settlesSucceeded(behaviour))));
    }

    private Optional<LedgerEntry> settled(Optional<ChargeRecord> record) {
        record.ifPresent(r -> announce(r, true));
        return record.map(ChargeRecord::entry);
    }

    private static boolean isFinal(LedgerEntry e) {
        return LedgerEntry.SUCCEEDED.equals(e.status()) || LedgerEntry.FAILED.equals(e.status());
    }

    // ---- ChargeDesk: the one refund flow shared by every dialect ----

    @Override
    public SimResponse refund(RefundAttempt attempt) {
        if (attempt.amountMinor() != null && attempt.amountMinor() <= 0) {
            throw SimException.badRequest("amount must be greater than 0", "amount");
        }
        Behaviour b = behaviour;
        RefundOutcome outcome = picker.pickRefund(attempt.charge(), b, dialect.usualRefund());
        if (!outcome.isRecorded()) {
            return dialect.error(outcome.error, null, null);
        }
        RefundRecord recorded;
        try {
            Instant now = Instant.now();
            recorded = ledger.refund(attempt.charge().entry().id(), attempt.amountMinor(),
                    amount -> new RefundEntry(attempt.id(), amount, outcome.recordedAs, attempt.details(), now, now));
        } catch (RefundRefused refused) {
            return dialect.refundRefused(refused);
        }
        SimResponse response = dialect.renderRefund(recorded);
        if (outcome.settlesAs == null) {
            announce(recorded, false);
        } else if (outcome.settlesUnprompted || b.pendingSettleMs() > 0) {
            later(timer, workers, b.pendingSettleMs(),
                    () -> refundSettled(ledger.settleRefund(attempt.id(), outcome.settlesAs)), () -> { });
        }
        return response;
    }

    /** The provider's asynchronous outcome of a pending refund: it succeeds or fails. */
    Optional<RefundEntry> settleRefund(String refundId, boolean succeeded) {
        return refundSettled(ledger.settleRefund(refundId, succeeded ? LedgerEntry.SUCCEEDED : LedgerEntry.FAILED));
    }

    private Optional<RefundEntry> refundSettled(Optional<RefundRecord> record) {
        record.ifPresent(r -> announce(r, true));
        return record.map(RefundRecord::refund);
    }

    @Override
    public Optional<RefundRecord> refundById(String id) {
        return ledger.refundById(id);
    }

    // ---- webhooks ----

    private void announce(ChargeRecord record, boolean afterAnswer) {
        announce(afterAnswer, record.entry().reference(), () -> dialect.webhook(record));
    }

    private void announce(RefundRecord record, boolean afterAnswer) {
        announce(afterAnswer, record.charge().entry().reference(), () -> dialect.refundWebhook(record));
    }

    /**
     * Sends the dialect's webhook for a charge or refund whose outcome is now final (under the charge's
     * {@code reference}), if the webhook settings ask for it. Rendering and delivery happen on a worker, never on
     * the thread answering the API or control request.
     */
    private void announce(boolean afterAnswer, String reference, Supplier<Optional<WebhookEvent>> render) {
        WebhookSettings w = webhooks;
        if (!w.sends(afterAnswer)) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    render.get().ifPresent(e -> webhookSender.send(w.url(), reference, e));
                } catch (RuntimeException e) {
                    log.warn("{} simulator: cannot send the webhook for {}", name(), reference, e);
                }
            });
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    @Override
    public Optional<ChargeRecord> byId(String id) {
        return ledger.byId(id);
    }

    @Override
    public Optional<ChargeRecord> byReference(String reference) {
        return ledger.byReference(reference);
    }

    @Override
    public List<ChargeRecord> find(Predicate<ChargeRecord> filter) {
        return ledger.find(filter);
    }
}

package io.payroute.charge;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payroute.api.ChargeFlow;
import io.payroute.api.LogContext;
import io.payroute.charge.ChargeRepository.StoredAttempt;
import io.payroute.async.RetryPolicy;
import io.payroute.async.WorkMessages;
import io.payroute.idempotency.JdbcIdempotencyRepository;
import io.payroute.observability.ChargeMetrics;
import io.payroute.provider.ProviderCall;
import io.payroute.provider.ProviderCalls;
import io.payroute.provider.ProviderCatalog;
import io.payroute.reconciliation.ReconciliationSchedule;
import io.payroute.routing.RoutingOutcomes;
import io.payroute.state.ChargeStateMachine;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The persistence steps of the charge flow (bean {@code charges} in routes/charges.yaml and providers.yaml).
 * Every status change goes through {@link ChargeStateMachine} and is written with its event in one transaction.
 */
@Component("charges")
public class ChargeService {

    /** Exchange properties shared with the provider routes. */
    public static final String ATTEMPT_RESULT = "attemptResult";
    public static final String ATTEMPT_OUTCOME = "attemptOutcome";
    public static final String REQUEST_EXCERPT = "requestExcerpt";

    private static final Logger log = LoggerFactory.getLogger(ChargeService.class);

    private final ChargeRepository repository;
    private final ChargeEvents events;
    private final WorkMessages work;
    private final RetryPolicy retries;
    private final JdbcIdempotencyRepository idempotency;
    private final RoutingOutcomes routingOutcomes;
    private final ReconciliationSchedule schedule;
    private final ChargeMetrics metrics;
    private final ProviderCatalog catalog;
    private final TransactionTemplate tx;
    private final ObjectMapper json;
    private final Clock clock;

    public ChargeService(ChargeRepository repository, ChargeEvents events, WorkMessages work, RetryPolicy retries,
                         JdbcIdempotencyRepository idempotency, RoutingOutcomes routingOutcomes,
                         ReconciliationSchedule schedule, ChargeMetrics metrics, ProviderCatalog catalog,
                         TransactionTemplate tx, ObjectMapper json, Clock clock) {
        this.repository = repository;
        this.events = events;
        this.work = work;
        this.retries = retries;
        this.idempotency = idempotency;
        this.routingOutcomes = routingOutcomes;
        this.schedule = schedule;
        this.metrics = metrics;
        this.catalog = catalog;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
    }

    /** Stores the new charge as pending, with its creation event, ties the idempotency key to it and takes its first round. */
    public void open(@ExchangeProperty(ChargeContext.PROPERTY) ChargeContext charge, Exchange exchange) {
        Instant lease = charge.createdAt().plus(retries.getRoundLease());
        insert(charge, exchange, newCharge(charge, 1, null), lease, () -> { });
    }

    /**
     * Stores the new charge as pending for a worker to route ({@code Prefer: respond-async}): its first round is
     * a work message written in the same transaction, so the charge and its work exist together or not at all.
     */
    public void openForWorker(@ExchangeProperty(ChargeContext.PROPERTY) ChargeContext charge, Exchange exchange) {
        insert(charge, exchange, newCharge(charge, 0, charge.createdAt()), null,
                () -> work.send(charge, 1, null, exchange.getProperty(ChargeFlow.REQUEST_ID, String.class)));
    }

    private ChargeRepository.StoredCharge newCharge(ChargeContext charge, int rounds, Instant nextRoundAt) {
        ChargeRequest r = charge.request();
        return new ChargeRepository.StoredCharge(charge.id(), r.merchantId(),
                ChargeStatus.PENDING, r.amount(), r.currency(), r.reference(), r.description(), write(customer(r)),
                write(paymentMethod(r.paymentMethod())), write(r.metadata()), null, null, null, null, null, null, null,
                rounds, nextRoundAt, null, charge.createdAt(), charge.createdAt(), 0);
    }

    private void insert(ChargeContext charge, Exchange exchange, ChargeRepository.StoredCharge row, Instant claimedUntil,
                        Runnable alsoInTransaction) {
        ObjectNode rendered = tx.execute(s -> {
            repository.insertCharge(row, claimedUntil, charge.request().paymentMethod().type(), bankOf(charge));
            ObjectNode created = events.record("charge.created", row, List.of(), null, null);
            idempotency.bindCharge(exchange, charge.id());
            alsoInTransaction.run();
            return created;
        });
        charge.stored(row, rendered);
        // from here on the request's log lines belong to this charge (a replayed duplicate never gets here)
        MDC.put(LogContext.CHARGE_ID, charge.id());
    }

    /**
     * Writes the attempt before anything is sent, so a crash mid-call leaves it visible as unresolved; an interrupted
     * attempt sent again keeps its row, stamped resent when its round took it over.
     */
    public void beginAttempt(@ExchangeProperty(ChargeContext.PROPERTY) ChargeContext charge,
                             @ExchangeProperty("provider") String provider, Exchange exchange) {
        Instant now = clock.instant();
        boolean resend = charge.toResend() != null;
        Attempt attempt = resend ? charge.restartInterrupted() : charge.startAttempt(provider, now);
        ProviderCalls.resetCallState(exchange);
        exchange.removeProperty(ATTEMPT_OUTCOME);
        exchange.setProperty(ProviderCall.PROPERTY, new ProviderCall(charge.id(), charge.request().merchantId(), provider, attempt.reference(), null));
        if (!resend) {
            repository.insertAttempt(charge.id(), charge.request().merchantId(), attempt,
                    schedule.inFlightDeadline(provider, attempt.startedAt()));
        }
    }

    public void completeAttempt(@ExchangeProperty(ChargeContext.PROPERTY) ChargeContext charge, Exchange exchange) {
        Attempt attempt = charge.currentAttempt();
        AttemptResult result = exchange.getProperty(ATTEMPT_RESULT, AttemptResult.class);
        if (attempt.resentAt() != null && result.outcome() == Outcome.NOT_CHARGED) {
            // the second request was not processed, which proves nothing about the first: never fail over
            result = AttemptResult.unknown("resend_not_processed", "PayRoute stopped during this attempt's call and sent"
                    + " it again; the second request was refused before processing (" + result.code() + ": "
                    + result.message() + "), so whether the first was processed is unknown", result.httpStatus(),
                    result.responseExcerpt());
            exchange.setProperty(ATTEMPT_RESULT, result);
        }
        attempt.complete(result);
        writeAnswer(charge, attempt, exchange.getProperty(REQUEST_EXCERPT, String.class), exchange);
        metrics.providerCall(attempt.provider(), result, attempt.latencyMs());
        exchange.setProperty(ProviderCall.PROPERTY,
                exchange.getProperty(ProviderCall.PROPERTY, ProviderCall.class).withProviderReference(result.providerReference()));
    }

    /** Applies what a status query learnt about an UNKNOWN attempt; a still-unknown answer changes nothing. */
    public void resolveAttempt(@ExchangeProperty(ChargeContext.PROPERTY) ChargeContext charge, Exchange exchange) {
        Attempt attempt = charge.currentAttempt();
        AttemptResult result = exchange.getProperty(ATTEMPT_RESULT, AttemptResult.class);
        if (result.outcome() == Outcome.UNKNOWN || result.outcome() == Outcome.NOT_CHARGED) {
            return;
        }
        attempt.resolve(result.withProviderReferenceIfMissing(attempt.result().providerReference()));
        writeAnswer(charge, attempt, null, exchange);
    }

    /**
     * Records the attempt's answer, with its next status query when it is not final; refused when another instance
     * has taken the attempt over since this call began, and then this exchange goes no further.
     */
    private void writeAnswer(ChargeContext charge, Attempt attempt, String requestExcerpt, Exchange exchange) {
        Instant now = clock.instant();
        Outcome outcome = attempt.result().outcome();
        if (!repository.updateAttempt(charge.id(), attempt, requestExcerpt, schedule.after(outcome, 0, now), now)) {
            throw new AttemptTakenOverException(charge.id(), attempt.seq());
        }
        exchange.setProperty(ATTEMPT_OUTCOME, outcome.name());
    }

    /**
     * Derives the charge's status from its last attempt and records it with the routing decision. The attempts
     * are final here (a status query may have resolved the last one), so this is where routing learns from them.
     * An asynchronous charge that no provider could take gets another round later instead of failing, until
     * {@link RetryPolicy} says it has had its chances.
     */
    public void settle(@ExchangeProperty(ChargeContext.PROPERTY) ChargeContext charge, Exchange exchange) {
        routingOutcomes.record(charge.routing().dimensions(), charge.roundAttempts());
        Attempt last = charge.roundAttempts().isEmpty() ? null : charge.currentAttempt();
        AttemptResult result = last == null ? null : last.result();
        Settlement s = settlement(result);
        String requestId = exchange.getProperty(ChargeFlow.REQUEST_ID, String.class);
        Instant now = clock.instant();
        if (charge.isAsync() && "providers_unavailable".equals(s.code())) {
            Optional<Instant> next = retries.nextRound(charge.round(), charge.createdAt(), now);
            if (next.isPresent() && scheduleNextRound(charge, next.get(), result, requestId, now)) {
                return;
            }
            if (next.isEmpty()) {
                s = exhausted(charge, result);
            }
        }
        String provider = last == null ? null : last.provider();
        ChargeRepository.StoredCharge settled = charge.stored().withState(s.status(), provider,
                result == null ? null : result.providerReference(), s.code(), s.category(), s.message(),
                write(charge.routing()), result == null ? null : result.nextAction(), now);
        Settlement applied = s;
        AtomicReference<ObjectNode> rendered = new AtomicReference<>();
        boolean done = Boolean.TRUE.equals(tx.execute(status -> {
            // a pending charge keeps its status but still gets its attempts' provider and routing decision
            if (applied.status() != ChargeStatus.PENDING) {
                ChargeStateMachine.check(charge.id(), ChargeStatus.PENDING, applied.status());
            }
            if (!repository.updateState(settled, ChargeStatus.PENDING, fee(settled, charge.request().paymentMethod().type()))) {
                return false;
            }
            if (applied.status() != ChargeStatus.PENDING) {
                rendered.set(events.record("charge." + applied.status().wire(), settled, stored(charge),
                        ChargeStatus.PENDING, write(eventData(provider, settled.providerReference(), applied.code()))));
            }
            if ("retries_exhausted".equals(applied.code())) {
                work.deadLetter(charge, applied.code(), applied.message(), write(history(charge)), requestId);
            }
            return true;
        }));
        if (done) {
            charge.stored(settled, rendered.get());
            metrics.charge(provider, s.status(), charge.request().paymentMethod().type(), charge.request().currency());
            if ("retries_exhausted".equals(s.code())) {
                metrics.deadLettered(s.code());
            }
        } else {
            // reconciliation settled it first (this exchange outlived its in-flight deadline): answer with that
            log.info("charge {} was settled by reconciliation while its request was still running", charge.id());
            charge.stored(repository.findCharge(charge.id()).orElseThrow());
        }
    }

    /** Ends this round with the next one scheduled through the broker; false if the charge moved on meanwhile. */
    private boolean scheduleNextRound(ChargeContext charge, Instant at, AttemptResult result, String requestId, Instant now) {
        String error = result == null ? "no provider available (every circuit open)" : result.code() + ": " + result.message();
        ChargeRepository.StoredCharge waiting = charge.stored().withNextRound(at, error, write(charge.routing()), now);
        boolean scheduled = Boolean.TRUE.equals(tx.execute(status -> {
            if (!repository.scheduleNextRound(waiting)) {
                return false;
            }
            work.send(charge, charge.round() + 1, at, requestId);
            return true;
        }));
        if (scheduled) {
            charge.stored(waiting);
            charge.nextRoundScheduled(true);
            metrics.retryScheduled(charge.round());
            log.info("charge {}: no provider could take round {} ({}); round {} at {}", charge.id(), charge.round(),
                    error, charge.round() + 1, at);
        }
        return scheduled;
    }

    private static Settlement exhausted(ChargeContext charge, AttemptResult last) {
        return new Settlement(ChargeStatus.FAILED, "retries_exhausted", "provider",
                "No provider could take the charge in " + charge.round() + " rounds since " + charge.createdAt()
                        + "; nothing was charged. Last error: "
                        + (last == null ? "no provider available" : last.code() + ": " + last.message()));
    }

    /** What was tried, for the dead letter of a charge whose retries ran out. */
    private static List<Map<String, Object>> history(ChargeContext charge) {
        return charge.attempts().stream().map(a -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", a.seq());
            m.put("provider", a.provider());
            m.put("started_at", a.startedAt().toString());
            m.put("outcome", a.result() == null ? null : a.result().outcome().name());
            m.put("code", a.result() == null ? null : a.result().code());
            return m;
        }).toList();
    }

    private static List<ChargeRepository.StoredAttempt> stored(ChargeContext charge) {
        return charge.attempts().stream().map(a -> ChargeRepository.StoredAttempt.of(a, null)).toList();
    }

    /**
     * Settles a charge from what reconciliation learnt about its deciding attempt: the charge moves from whatever
     * non-final status it is in, through the state machine, with its event; nothing happens to a final charge.
     */
    public void settleLater(String chargeId, String provider, AttemptResult result) {
        Instant now = clock.instant();
        tx.executeWithoutResult(status -> {
            ChargeRepository.StoredCharge current = repository.findCharge(chargeId).orElseThrow();
            ChargeStatus next = switch (result.outcome()) {
                case SUCCESS -> ChargeStatus.SUCCEEDED;
                case DECLINED, NOT_CHARGED -> ChargeStatus.FAILED;
                default -> result.status() == null ? ChargeStatus.PENDING : result.status();
            };
            if (current.status().isFinal() || next == current.status()) {
                return;
            }
            ChargeStateMachine.check(chargeId, current.status(), next);
            boolean failed = next == ChargeStatus.FAILED;
            ChargeRepository.StoredCharge settled = current.withState(next, provider,
                    result.providerReference() != null ? result.providerReference() : current.providerReference(),
                    failed ? result.code() : null, failed ? result.category() : null, failed ? result.message() : null,
                    current.routingJson(), result.nextAction(), now);
            if (repository.updateState(settled, current.status(), fee(settled, paymentMethodType(current)))) {
                events.record("charge." + next.wire(), settled, repository.findAttempts(chargeId), current.status(),
                        write(eventData(provider, settled.providerReference(), settled.failureCode())));
                log.info("charge {} reconciled: {} -> {}", chargeId, current.status().wire(), next.wire());
                metrics.charge(provider, next, paymentMethodType(current), current.currency());
            }
        });
    }

    /**
     * Applies what a provider itself reported about one of the charge's attempts (a verified webhook): a final
     * outcome is recorded on the attempt (no more status queries), then the charge settles as by reconciliation.
     */
    public void settleFromProvider(String chargeId, StoredAttempt attempt, AttemptResult result) {
        if (result.outcome() == Outcome.SUCCESS || result.outcome() == Outcome.DECLINED) {
            settleAttempt(new ChargeRepository.DueAttempt(chargeId, attempt.seq(), attempt.provider(),
                    attempt.attemptReference(), attempt.providerReference(), attempt.outcome(), attempt.code(),
                    attempt.startedAt(), 0), result);
        } else {
            settleLater(chargeId, attempt.provider(), result);
        }
    }

    /**
     * Records the final answer about one attempt and settles its charge by it, in one transaction. A worker taking
     * up a round ({@link io.payroute.async.ChargeWork}) reads the attempts before the charge, so it never sees an
     * attempt given up as never charged while its charge still looks pending: that once sent a charge that
     * reconciliation was failing to another provider, which took the money.
     */
    public void settleAttempt(ChargeRepository.DueAttempt attempt, AttemptResult result) {
        tx.executeWithoutResult(status -> {
            repository.resolveAttempt(attempt, result, clock.instant());
            settleLater(attempt.chargeId(), attempt.provider(), result);
        });
    }

    /** The issuing bank analytics groups a card payment by: as the routing rules' bank table names it, else its BIN. */
    private static String bankOf(ChargeContext charge) {
        if (!(charge.request().paymentMethod() instanceof PaymentMethod.Card card)) {
            return null;
        }
        String named = charge.routing() == null ? null : charge.routing().dimensions().bank();
        return named != null ? named : card.bin();
    }

    /** The fee of the provider that took the money, as its configuration says today; null when nobody did. */
    private Long fee(ChargeRepository.StoredCharge charge, String method) {
        return charge.status() == ChargeStatus.SUCCEEDED && charge.provider() != null
                ? catalog.fee(charge.provider(), charge.currency(), method, charge.amount()) : null;
    }

    private String paymentMethodType(ChargeRepository.StoredCharge charge) {
        try {
            return json.readTree(charge.paymentMethodJson()).path("type").asText("unknown");
        } catch (JsonProcessingException e) {
            return "unknown";
        }
    }

    private record Settlement(ChargeStatus status, String code, String category, String message) {
    }

    private static Settlement settlement(AttemptResult result) {
        if (result == null || (result.outcome() == Outcome.NOT_CHARGED && "provider".equals(result.category()))) {
            return new Settlement(ChargeStatus.FAILED, "providers_unavailable", "provider",
                    "No eligible provider was available to take the charge; nothing was charged");
        }
        if (result.outcome() == Outcome.NOT_CHARGED) {
            // refused before processing for a reason of its own (invalid token, credentials): say which
            return new Settlement(ChargeStatus.FAILED, result.code(), result.category(),
                    "Nothing was charged: " + result.message());
        }
        return switch (result.outcome()) {
            case DECLINED -> new Settlement(ChargeStatus.FAILED, result.code(), result.category(), result.message());
            // stays pending until reconciliation asks the provider again; never failed over
            case UNKNOWN -> new Settlement(ChargeStatus.PENDING, null, null, null);
            default -> new Settlement(result.status() == null ? ChargeStatus.PENDING : result.status(), null, null, null);
        };
    }

    private static Map<String, Object> customer(ChargeRequest r) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("email", r.customer().email());
        c.put("name", r.customer().name());
        c.put("phone", r.customer().phone());
        c.put("country", r.customer().country());
        c.values().removeIf(v -> v == null);
        return c;
    }

    /** What is kept of a payment method: never a card number or cvc, never a token (they are credentials). */
    static Map<String, Object> paymentMethod(PaymentMethod method) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", method.type());
        if (method instanceof PaymentMethod.Tokens t) {
            m.put("providers", t.byProvider().keySet().stream().sorted().toList());
        } else if (method instanceof PaymentMethod.Card card) {
            m.put("brand", card.brand());
            m.put("bin", card.bin());
            m.put("last4", card.last4());
            m.put("exp_month", card.expMonth());
            m.put("exp_year", card.expYear());
        }
        return m;
    }

    private static Map<String, Object> eventData(String provider, String providerReference, String code) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("provider", provider);
        data.put("provider_reference", providerReference);
        data.put("failure_code", code);
        data.values().removeIf(v -> v == null);
        return data;
    }

    private String write(Object value) {
        try {
            return value == null ? null : json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }
}

package io.payroute.reconciliation;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.payroute.api.LogContext;
import io.payroute.charge.Ids;
import io.payroute.charge.Attempt;
import io.payroute.charge.AttemptResult;
import io.payroute.charge.ChargeRepository;
import io.payroute.charge.ChargeRepository.DueAttempt;
import io.payroute.charge.ChargeService;
import io.payroute.charge.Outcome;
import io.payroute.observability.ChargeMetrics;
import io.payroute.provider.ProviderCall;
import io.payroute.provider.ProviderCalls;
import io.payroute.refund.RefundRepository;
import io.payroute.refund.Refunds;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * The steps of routes/reconciliation.yaml (bean {@code reconciliation}): claim attempts whose outcome PayRoute
 * does not know (UNKNOWN, PENDING, or interrupted by a crash), ask their provider through the status-query
 * route, and settle the charge from the answer. Reconciliation never sends a charge to another provider.
 */
@Component("reconciliation")
public class Reconciliation {

    /** Exchange property: the attempt this split exchange works on. */
    public static final String DUE = "dueAttempt";
    private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);

    private final ChargeRepository repository;
    private final ChargeService charges;
    private final ReconciliationSchedule schedule;
    private final ReconciliationProperties properties;
    private final ChargeMetrics metrics;
    private final RefundRepository refundRepository;
    private final Refunds refunds;
    private final Clock clock;

    public Reconciliation(ChargeRepository repository, ChargeService charges, ReconciliationSchedule schedule,
                          ReconciliationProperties properties, ChargeMetrics metrics, RefundRepository refundRepository,
                          Refunds refunds, Clock clock) {
        this.repository = repository;
        this.charges = charges;
        this.schedule = schedule;
        this.properties = properties;
        this.metrics = metrics;
        this.refundRepository = refundRepository;
        this.refunds = refunds;
        this.clock = clock;
    }

    /** The due attempts this instance won the claim on; the database decides between instances. */
    public List<DueAttempt> claimDue() {
        Instant now = clock.instant();
        Instant until = now.plus(properties.getClaimTimeout());
        List<DueAttempt> claimed = new ArrayList<>();
        for (DueAttempt due : repository.findDueAttempts(now, properties.getBatchSize())) {
            if (repository.claimAttempt(due, now, until)) {
                claimed.add(due);
            }
        }
        return claimed;
    }

    /** Sets up the status-query route for one claimed attempt. */
    public void prepare(DueAttempt due, Exchange exchange) {
        ProviderCalls.resetCallState(exchange);
        // each check is a piece of work of its own: its status query and the event it may cause share this id
        LogContext.correlate(exchange, Ids.requestId());
        MDC.put(LogContext.CHARGE_ID, due.chargeId());
        exchange.setProperty(DUE, due);
        exchange.setProperty("provider", due.provider());
        exchange.setProperty(ProviderCall.PROPERTY,
                new ProviderCall(due.chargeId(), repository.findCharge(due.chargeId()).orElseThrow().merchantId(), due.provider(),
                        due.reference(), due.providerReference()));
    }

    /** Applies the provider's answer: settle, or ask again later. */
    public void apply(@ExchangeProperty(DUE) DueAttempt due, Exchange exchange) {
        AttemptResult answer = exchange.getProperty(ChargeService.ATTEMPT_RESULT, AttemptResult.class);
        Instant now = clock.instant();
        Outcome outcome = answer.outcome();
        if (outcome == Outcome.SUCCESS || outcome == Outcome.DECLINED) {
            charges.settleAttempt(due, answer);
            metrics.reconciled(due.provider(), "settled");
        } else if ("not_found_at_provider".equals(answer.code()) && schedule.givenUp(due.startedAt(), now)) {
            // long enough without any record at the provider: it never took the money
            charges.settleAttempt(due, AttemptResult.notCharged("not_found_at_provider",
                    "The provider has no record of this attempt after " + properties.getGiveUpAfter(), null, null));
            metrics.reconciled(due.provider(), "not_found_given_up");
        } else if (outcome == Outcome.PENDING && schedule.givenUp(due.startedAt(), now)) {
            log.warn("charge {} still pending at {} after {}: no more automatic checks", due.chargeId(), due.provider(),
                    properties.getGiveUpAfter());
            repository.rescheduleAttempt(due, null);
            metrics.reconciled(due.provider(), "pending_given_up");
        } else {
            // still unknown or pending, or the status query itself failed: ask again on the schedule
            repository.rescheduleAttempt(due, schedule.after(Outcome.UNKNOWN, due.checks() + 1, now));
            metrics.reconciled(due.provider(), "rescheduled");
        }
    }

    /**
     * Settles charges an instance died working on between two provider calls (see
     * {@link ReconciliationProperties#getAbandonedAfter}): by the last attempt's final answer, or failed with
     * nothing charged when no provider was reached. An attempt still in flight or unknown is left to
     * {@link #claimDue}. Returns how many charges were settled.
     */
    public int sweepAbandoned() {
        Instant now = clock.instant();
        Instant expiredBefore = now.minus(properties.getAbandonedAfter());
        int settled = 0;
        for (String chargeId : repository.findAbandoned(expiredBefore, properties.getBatchSize())) {
            if (!repository.claimAbandoned(chargeId, expiredBefore, now.plus(properties.getClaimTimeout()))) {
                continue;
            }
            List<ChargeRepository.StoredAttempt> attempts = repository.findAttempts(chargeId);
            ChargeRepository.StoredAttempt last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
            Attempt lastAttempt = last == null ? null : Attempt.stored(last);
            if (lastAttempt == null || lastAttempt.result() != null && lastAttempt.result().outcome() == Outcome.NOT_CHARGED) {
                charges.settleLater(chargeId, last == null ? null : last.provider(), AttemptResult.notCharged(
                        "processing_interrupted", "PayRoute stopped before a provider took the charge; nothing was charged",
                        null, null));
            } else if (lastAttempt.result() != null && lastAttempt.result().status() != null && lastAttempt.result().status().isFinal()) {
                charges.settleLater(chargeId, last.provider(), lastAttempt.result());
            } else {
                repository.releaseRound(chargeId);
                continue;
            }
            log.warn("charge {} was abandoned mid-round by a stopped instance; settled from its attempts", chargeId);
            metrics.reconciled(last == null ? "none" : last.provider(), "abandoned_settled");
            settled++;
        }
        return settled;
    }

    /** Pending refunds due for a status query that this instance won the claim on. */
    public List<RefundRepository.StoredRefund> claimDueRefunds() {
        Instant now = clock.instant();
        Instant until = now.plus(properties.getClaimTimeout());
        return refundRepository.findDue(now, properties.getBatchSize()).stream()
                .filter(r -> refundRepository.claim(r.id(), now, until)).toList();
    }

    /** Sets up the refund status query for one claimed refund. */
    public void prepareRefund(RefundRepository.StoredRefund refund, Exchange exchange) {
        ProviderCalls.resetCallState(exchange);
        exchange.setProperty(Refunds.PROPERTY, refund);
    }

    /** Settles the refund from the provider's answer, or asks again later on the schedule. */
    public void applyRefund(@ExchangeProperty(Refunds.PROPERTY) RefundRepository.StoredRefund refund, Exchange exchange) {
        AttemptResult answer = exchange.getProperty(ChargeService.ATTEMPT_RESULT, AttemptResult.class);
        Outcome outcome = answer.outcome();
        if (outcome == Outcome.SUCCESS || outcome == Outcome.DECLINED) {
            refunds.apply(refund, answer);
            metrics.reconciled(refund.provider(), "refund_settled");
        } else if (schedule.givenUp(refund.createdAt(), clock.instant())) {
            log.warn("refund {} still pending at {} after {}: no more automatic checks", refund.id(), refund.provider(),
                    properties.getGiveUpAfter());
            refundRepository.reschedule(refund.id(), null);
            metrics.reconciled(refund.provider(), "refund_pending_given_up");
        } else {
            refundRepository.reschedule(refund.id(), schedule.after(Outcome.UNKNOWN, refundRepository.checks(refund.id()) + 1, clock.instant()));
            metrics.reconciled(refund.provider(), "refund_rescheduled");
        }
    }

    /** Leaves the logging context as it found it once an attempt is done. */
    public void done() {
        MDC.remove(LogContext.CHARGE_ID);
        MDC.remove(LogContext.REQUEST_ID);
    }
}

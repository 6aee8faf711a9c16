package io.payroute.async;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import io.payroute.api.ChargeRequestParser;
import io.payroute.api.LogContext;
import io.payroute.charge.Attempt;
import io.payroute.charge.ChargeContext;
import io.payroute.charge.ChargeRepository;
import io.payroute.charge.ChargeRequest;
import io.payroute.charge.ChargeService;
import io.payroute.charge.ChargeStatus;
import io.payroute.charge.Outcome;
import io.payroute.reconciliation.ReconciliationSchedule;
import io.payroute.secrets.Sealer;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes up a round of a charge (bean {@code chargeWork}, routes/queues.yaml): from a work message (first round of a
 * {@code Prefer: respond-async} charge, or a retry the broker held until its time), from a producer's message
 * redelivered after the instance working on it died, or from a merchant's REST retry (same Idempotency-Key) of a
 * synchronous charge whose instance died mid-round (ChargeFlow).
 * <p>
 * The round is claimed in the database first, so a message delivered twice never runs a round twice. A round is
 * never started once an earlier attempt reached a provider: that attempt's answer, or reconciliation, decides. An
 * attempt a stopped instance left unanswered is sent again as it was, to the same provider with the same reference,
 * before anything else: a first request that never left gets its answer now, and one that arrived is caught by the
 * provider's duplicate check (its answer then comes from a status query), so nothing is charged twice.
 */
@Component("chargeWork")
public class ChargeWork {

    /** Exchange property: whether this exchange took a round to run (false: nothing to do, the message is done). */
    public static final String ROUND_TAKEN = "roundTaken";
    private static final Logger log = LoggerFactory.getLogger(ChargeWork.class);
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(1);

    private final ChargeRepository repository;
    private final ChargeService charges;
    private final ChargeRequestParser parser;
    private final Sealer sealer;
    private final RetryPolicy retries;
    private final WorkMessages workMessages;
    private final ReconciliationSchedule schedule;
    private final TransactionTemplate tx;
    private final Clock clock;

    public ChargeWork(ChargeRepository repository, ChargeService charges, ChargeRequestParser parser, Sealer sealer,
                      RetryPolicy retries, WorkMessages workMessages, ReconciliationSchedule schedule,
                      TransactionTemplate tx, Clock clock) {
        this.repository = repository;
        this.charges = charges;
        this.parser = parser;
        this.sealer = sealer;
        this.retries = retries;
        this.workMessages = workMessages;
        this.schedule = schedule;
        this.tx = tx;
        this.clock = clock;
    }

    /** A work message: opens the sealed request and takes the round it names. */
    public void take(Exchange exchange) throws JMSException {
        Message message = exchange.getIn(JmsMessage.class).getJmsMessage();
        String chargeId = message.getStringProperty(WorkMessages.CHARGE_ID);
        int round = message.getIntProperty(WorkMessages.ROUND);
        LogContext.continueFrom(exchange);
        MDC.put(LogContext.CHARGE_ID, chargeId);
        byte[] body = sealer.open(exchange.getMessage().getBody(String.class), chargeId);
        ChargeRequest request = parser.parse("application/json", body, message.getStringProperty(WorkMessages.MERCHANT_ID));
        String replyAddress = message.getStringProperty(WorkMessages.REPLY_TO);
        ChargeContext.ReplyTo replyTo = replyAddress == null ? null
                : new ChargeContext.ReplyTo(replyAddress, message.getStringProperty(WorkMessages.CORRELATION_ID));
        exchange.getMessage().setBody(null);
        if (takeRound(exchange, chargeId, round, request, body, replyTo) == Round.NOTHING_TO_DO && replyTo != null) {
            // a replayed or repeated work message of a charge that has ended: its producer gets the outcome again
            repository.findCharge(chargeId).filter(c -> c.status().isFinal()).ifPresent(c -> {
                ChargeContext ended = ChargeContext.resumed(request, c, List.of(), c.rounds());
                ended.processAsync(body, replyTo);
                exchange.setProperty(ChargeContext.PROPERTY, ended);
                exchange.setProperty(ChargeIntake.ANSWER_FROM_STORE, true);
            });
        }
    }

    /** What became of a message's round. */
    public enum Round {
        /** This exchange runs the round: its context is on the exchange. */
        TAKEN,
        /** Another consumer holds the round; a fresh message for it comes when that consumer's lease runs out. */
        DEFERRED,
        /**
         * Another consumer holds the round, and this request has no body to hand on to a later message (a synchronous
         * REST retry): its caller answers that the request is still in flight.
         */
        HELD,
        /** Nothing to route: the round is done, taken, or left to an earlier attempt's answer. */
        NOTHING_TO_DO
    }

    /**
     * Claims round {@code round} of the charge and, when there is routing left to do, puts its context on the
     * exchange; sets {@link #ROUND_TAKEN} either way.
     * <p>
     * While another consumer holds the round under a live lease, it may be working on it, or it may have died with
     * it, and then this message is all that is left to resume the charge once the lease runs out. The round is then
     * handed to a fresh work message the broker holds until just after the lease ({@link #defer}), and this message
     * is done with. Rolling it back for a redelivery instead is not safe: a dead instance's consumers hand the
     * messages they held to each other as the broker closes them one by one, each hand-over counting as a delivery,
     * so such a message can arrive here with its {@code max-delivery-attempts} used up, and one rollback would
     * dead-letter a charge that was never tried.
     */
    public Round takeRound(Exchange exchange, String chargeId, int round, ChargeRequest request, byte[] body,
                           ChargeContext.ReplyTo replyTo) {
        Instant now = clock.instant();
        exchange.setProperty(ROUND_TAKEN, false);
        if (!repository.claimRound(chargeId, round, now, now.plus(retries.getRoundLease()))) {
            Optional<Instant> heldUntil = repository.roundClaimedUntil(chargeId, round, now);
            if (heldUntil.isPresent()) {
                return putOff(chargeId, round, request, body, replyTo, heldUntil.get());
            }
            log.info("round {} of charge {} is done or taken elsewhere: nothing to do", round, chargeId);
            return Round.NOTHING_TO_DO;
        }
        // attempts first, then the charge: reconciliation writes an attempt's answer and the charge's status in one
        // transaction, so an attempt seen as never charged comes with its charge's end, if it ended it
        List<Attempt> earlier = repository.findAttempts(chargeId).stream().map(Attempt::stored).toList();
        ChargeRepository.StoredCharge stored = repository.findCharge(chargeId).orElseThrow();
        if (stored.status() != ChargeStatus.PENDING) {
            repository.releaseRound(chargeId, round);
            log.info("charge {} moved on ({}) while round {} was being taken: nothing to do", chargeId,
                    stored.status().wire(), round);
            return Round.NOTHING_TO_DO;
        }
        Attempt last = earlier.isEmpty() ? null : earlier.get(earlier.size() - 1);
        // millisecond precision: the stamp is matched when the resend's answer is written, in any database
        Instant resentAt = now.truncatedTo(ChronoUnit.MILLIS);
        boolean resend = last != null && last.result() == null && repository.claimInterruptedAttempt(chargeId,
                last.seq(), resentAt, now, schedule.inFlightDeadline(last.provider(), now));
        Optional<Instant> queried = resend || last == null || last.result() != null ? Optional.empty()
                : repository.attemptClaimedUntil(chargeId, last.seq(), now);
        if (queried.isPresent()) {
            // a status query is asking the provider about it right now: try again once it is done. Left to the
            // status queries alone, an attempt whose request never left would only fail, after give-up-after
            repository.releaseRound(chargeId, round);
            return putOff(chargeId, round, request, body, replyTo, queried.get());
        }
        if (!resend && last != null && (last.result() == null || last.result().outcome() != Outcome.NOT_CHARGED)) {
            // an instance died after this attempt reached the provider: its answer decides, never a new round
            if (last.result() != null && last.result().status() != null && last.result().status().isFinal()) {
                charges.settleLater(chargeId, last.provider(), last.result());
            }
            repository.releaseRound(chargeId, round);
            log.info("charge {}: attempt {} reached {} before; left to its answer or reconciliation", chargeId,
                    last.seq(), last.provider());
            return Round.NOTHING_TO_DO;
        }
        ChargeContext charge = ChargeContext.resumed(request, stored, earlier, round);
        if (resend) {
            charge.resendInterrupted(resentAt);
            log.info("charge {}: attempt {} to {} was left unanswered by a stopped instance; sending it again as it was",
                    chargeId, last.seq(), last.provider());
        }
        charge.processAsync(body, replyTo);
        exchange.setProperty(ChargeContext.PROPERTY, charge);
        exchange.setProperty(ROUND_TAKEN, true);
        return Round.TAKEN;
    }

    /**
     * Round {@code round} cannot go on before {@code heldUntil}: the end of another consumer's round lease, or of a
     * status query's hold on the attempt. A request with a body hands the round to a work message due then
     * ({@link #defer}); a synchronous REST retry, with none to hand on, is told the request is still in flight.
     */
    private Round putOff(String chargeId, int round, ChargeRequest request, byte[] body, ChargeContext.ReplyTo replyTo,
                         Instant heldUntil) {
        if (body == null) {
            return Round.HELD;
        }
        defer(chargeId, round, request, body, replyTo, heldUntil);
        return Round.DEFERRED;
    }

    /**
     * Hands round {@code round} to a new work message due a second after {@code heldUntil} (which is not before
     * now). Instances' clocks differ, and a deferral that comes back early defers again, never in a tight loop. A
     * second message for the round (this one's transaction failing after the outbox's commit) finds it claimed and
     * does nothing.
     */
    private void defer(String chargeId, int round, ChargeRequest request, byte[] body, ChargeContext.ReplyTo replyTo,
                       Instant heldUntil) {
        ChargeContext charge = ChargeContext.resumed(request, repository.findCharge(chargeId).orElseThrow(), List.of(), round);
        charge.processAsync(body, replyTo);
        Instant due = heldUntil.plus(LEASE_MARGIN);
        tx.executeWithoutResult(status -> workMessages.send(charge, round, due, LogContext.requestId()));
        log.info("round {} of charge {} is held by another consumer until {}: deferred to {}", round, chargeId, heldUntil, due);
    }
}

package io.payroute.charge;

import static io.payroute.sql.SqlValues.ts;
import static io.payroute.sql.SqlValues.instant;
import static io.payroute.sql.SqlValues.truncate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.payroute.analytics.Rollup;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** SQL for charges, their attempts and their append-only event log. */
@Repository
public class ChargeRepository {

    /** A charge row as stored; JSON columns stay JSON text. */
    public record StoredCharge(String id, String merchantId, ChargeStatus status, long amount, String currency,
                               String reference, String description, String customerJson, String paymentMethodJson, String metadataJson,
                               String provider, String providerReference, String failureCode, String failureCategory,
                               String failureMessage, String routingJson, String nextActionJson, int rounds,
                               Instant nextRoundAt, String lastError, Instant createdAt, Instant updatedAt,
                               long refundedAmount) {

        /** This charge after {@link #updateState}: what the row holds once that update committed. */
        public StoredCharge withState(ChargeStatus newStatus, String newProvider, String newProviderReference,
                                      String code, String category, String message, String routing,
                                      String nextAction, Instant now) {
            return new StoredCharge(id, merchantId, newStatus, amount, currency, reference, description, customerJson,
                    paymentMethodJson, metadataJson, newProvider, newProviderReference, code, category,
                    truncate(message, 1000), routing, newStatus == ChargeStatus.REQUIRES_ACTION ? nextAction : null,
                    rounds, null, lastError, createdAt, now, refundedAmount);
        }

        /** This charge after {@link #scheduleNextRound}. */
        public StoredCharge withNextRound(Instant at, String error, String routing, Instant now) {
            return new StoredCharge(id, merchantId, status, amount, currency, reference, description, customerJson,
                    paymentMethodJson, metadataJson, provider, providerReference, failureCode, failureCategory,
                    failureMessage, routing, nextActionJson, rounds, at, truncate(error, 1000), createdAt, now, refundedAmount);
        }
    }

    public record StoredAttempt(int seq, String provider, String attemptReference, String outcome, String status,
                                String providerReference, String code, String category, String message,
                                Integer httpStatus, Integer latencyMs, String resolvedFromOutcome,
                                String resolvedFromCode, Instant startedAt, Instant finishedAt, Instant resentAt) {

        /** The row {@link #updateAttempt} writes for this attempt. */
        public static StoredAttempt of(Attempt a, Instant finishedAt) {
            AttemptResult r = a.result();
            AttemptResult first = a.resolvedFrom();
            return new StoredAttempt(a.seq(), a.provider(), a.reference(), r.outcome().name(),
                    r.status() == null ? null : r.status().wire(), r.providerReference(), r.code(), r.category(),
                    truncate(r.message(), 1000), r.httpStatus(), a.latencyMs(),
                    first == null ? null : first.outcome().name(), first == null ? null : first.code(),
                    a.startedAt(), finishedAt, a.resentAt());
        }
    }

    private final JdbcTemplate jdbc;
    /** Every write to what analytics counts goes through it: a late one makes its hour's rollup stale. */
    private final Rollup rollup;

    public ChargeRepository(JdbcTemplate jdbc, Rollup rollup) {
        this.jdbc = jdbc;
        this.rollup = rollup;
    }

    /**
     * @param claimedUntil the lease of the instance running the charge's first round now (null: a worker will)
     * @param method       the payment method's type, and {@code bank} the card's BIN (null for tokens): what
     *                     analytics groups by
     */
    public void insertCharge(StoredCharge c, Instant claimedUntil, String method, String bank) {
        rollup.write(c.id(), () -> jdbc.update("""
                INSERT INTO charges (id, merchant_id, status, amount, currency, reference, description, customer,
                                     payment_method, metadata, rounds, round_claimed_until, next_round_at, created_at,
                                     updated_at, method, bank)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                c.id(), c.merchantId(), c.status().wire(), c.amount(), c.currency(), c.reference(), c.description(),
                c.customerJson(), c.paymentMethodJson(), c.metadataJson(), c.rounds(), ts(claimedUntil),
                ts(c.nextRoundAt()), ts(c.createdAt()), ts(c.updatedAt()), method, bank));
    }

    /**
     * Takes round {@code round} of a pending charge: the next round when the previous one ended with a retry
     * scheduled, or the same round again when the instance running it died (its lease ran out, nothing was
     * scheduled). Only one caller, on any instance, gets true.
     */
    public boolean claimRound(String chargeId, int round, Instant now, Instant until) {
        return jdbc.update("""
                UPDATE charges SET rounds = ?, round_claimed_until = ?, next_round_at = NULL
                WHERE id = ? AND status = 'pending'
                  AND (rounds = ? OR (rounds = ? AND next_round_at IS NULL
                                      AND (round_claimed_until IS NULL OR round_claimed_until < ?)))""",
                round, ts(until), chargeId, round - 1, round, ts(now)) == 1;
    }

    /** Pending charges whose round's lease ran out before {@code expiredBefore}, with nothing scheduled. */
    public List<String> findAbandoned(Instant expiredBefore, int limit) {
        return jdbc.queryForList("""
                SELECT id FROM charges
                WHERE status = 'pending' AND next_round_at IS NULL AND round_claimed_until < ?
                ORDER BY round_claimed_until LIMIT ?""", String.class, ts(expiredBefore), limit);
    }

    /** Takes an abandoned round over (see {@link #findAbandoned}); only one caller, on any instance, gets true. */
    public boolean claimAbandoned(String chargeId, Instant expiredBefore, Instant until) {
        return jdbc.update("""
                UPDATE charges SET round_claimed_until = ?
                WHERE id = ? AND status = 'pending' AND next_round_at IS NULL AND round_claimed_until < ?""",
                ts(until), chargeId, ts(expiredBefore)) == 1;
    }

    /** Until when round {@code round} of the charge is held under a live lease (its holder alive or not); empty if it is not. */
    public Optional<Instant> roundClaimedUntil(String chargeId, int round, Instant now) {
        return jdbc.query("""
                SELECT round_claimed_until FROM charges WHERE id = ? AND status = 'pending' AND rounds = ?
                  AND next_round_at IS NULL AND round_claimed_until >= ?""",
                (rs, i) -> rs.getTimestamp(1).toInstant(), chargeId, round, ts(now)).stream().findFirst();
    }

    /** Lets go of a round that had nothing to route (an earlier attempt decides the charge). */
    public void releaseRound(String chargeId, int round) {
        jdbc.update("UPDATE charges SET round_claimed_until = NULL WHERE id = ? AND rounds = ?", chargeId, round);
    }

    public void releaseRound(String chargeId) {
        jdbc.update("UPDATE charges SET round_claimed_until = NULL WHERE id = ?", chargeId);
    }

    /** Ends the round in progress with another one due at {@code c.nextRoundAt()}; false if the charge moved on. */
    public boolean scheduleNextRound(StoredCharge c) {
        return jdbc.update("""
                UPDATE charges SET next_round_at = ?, last_error = ?, routing = ?, round_claimed_until = NULL,
                       updated_at = ?, version = version + 1
                WHERE id = ? AND status = 'pending' AND rounds = ?""",
                ts(c.nextRoundAt()), c.lastError(), c.routingJson(), ts(c.updatedAt()), c.id(), c.rounds()) == 1;
    }

    /**
     * Applies a status change only if the charge is still in the status the caller read: the database, not the
     * JVM, decides between two instances settling the same charge.
     *
     * @param fee what the provider that took the money charges for it (null unless the charge succeeded)
     * @return whether this caller's change was applied
     */
    public boolean updateState(StoredCharge c, ChargeStatus expected, Long fee) {
        return rollup.write(c.id(), () -> jdbc.update("""
                UPDATE charges SET status = ?, provider = ?, provider_reference = ?, failure_code = ?,
                       failure_category = ?, failure_message = ?, routing = ?, next_action = ?, updated_at = ?,
                       round_claimed_until = NULL, next_round_at = NULL, version = version + 1, fee = ?
                WHERE id = ? AND status = ?""",
                c.status().wire(), c.provider(), c.providerReference(), c.failureCode(), c.failureCategory(),
                c.failureMessage(), c.routingJson(), truncate(c.nextActionJson(), 2000), ts(c.updatedAt()), fee, c.id(),
                expected.wire())) == 1;
    }

    /** @param payload the event exactly as published and delivered to merchants */
    public void insertEvent(String eventId, String chargeId, String type, String from, String to,
                            String dataJson, String payload, Instant now) {
        jdbc.update("""
                INSERT INTO charge_events (event_id, charge_id, type, from_status, to_status, data, payload, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                eventId, chargeId, type, from, to, dataJson, payload, ts(now));
    }

    /**
     * @param merchantId the charge's merchant, kept on the attempt for analytics
     * @param checkAt    when reconciliation should look at the attempt if nothing completes it before
     */
    public void insertAttempt(String chargeId, String merchantId, Attempt a, Instant checkAt) {
        jdbc.update("""
                INSERT INTO charge_attempts (charge_id, merchant_id, seq, provider, attempt_reference, started_at, next_check_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)""",
                chargeId, merchantId, a.seq(), a.provider(), a.reference(), ts(a.startedAt()), ts(checkAt));
    }

    /**
     * Takes an attempt a stopped instance left unanswered, to send it again (io.payroute.async.ChargeWork): only while
     * it is still unanswered and no status query holds it. It keeps reconciliation off the attempt until
     * {@code until}, and stamps it {@code resentAt}: from then on only the answer of that resend can be written
     * ({@link #updateAttempt}), so an instance that was stalled, not dead, cannot record its own call's answer and
     * fail over on it while the resend's answer is the one that counts.
     */
    public boolean claimInterruptedAttempt(String chargeId, int seq, Instant resentAt, Instant now, Instant until) {
        return jdbc.update("""
                UPDATE charge_attempts SET claimed_until = ?, resent_at = ?
                WHERE charge_id = ? AND seq = ? AND outcome IS NULL AND (claimed_until IS NULL OR claimed_until < ?)""",
                ts(until), ts(resentAt), chargeId, seq, ts(now)) == 1;
    }

    /** Until when a status query holds an attempt that is still unanswered; empty when none does. */
    public Optional<Instant> attemptClaimedUntil(String chargeId, int seq, Instant now) {
        return jdbc.query("""
                SELECT claimed_until FROM charge_attempts
                WHERE charge_id = ? AND seq = ? AND outcome IS NULL AND claimed_until >= ?""",
                (rs, i) -> rs.getTimestamp(1).toInstant(), chargeId, seq, ts(now)).stream().findFirst();
    }

    /**
     * Writes the answer of this exchange's call; false, writing nothing, when another instance has taken the attempt
     * over to send it again since this call began ({@link #claimInterruptedAttempt}).
     *
     * @param nextCheckAt when reconciliation should ask the provider again; null once the outcome is final
     */
    public boolean updateAttempt(String chargeId, Attempt a, String requestExcerpt, Instant nextCheckAt, Instant now) {
        StoredAttempt s = StoredAttempt.of(a, now);
        String sameCall = a.resentAt() == null ? "resent_at IS NULL" : "resent_at = ?";
        List<Object> args = new ArrayList<>(Arrays.asList(s.outcome(), s.status(), s.providerReference(), s.code(),
                s.category(), s.message(), s.httpStatus(), s.latencyMs(), s.resolvedFromOutcome(), s.resolvedFromCode(),
                truncate(requestExcerpt, 4000), truncate(a.result().responseExcerpt(), 4000), ts(now), ts(nextCheckAt),
                chargeId, a.seq()));
        if (a.resentAt() != null) {
            args.add(ts(a.resentAt()));
        }
        return rollup.write(chargeId, () -> jdbc.update("""
                UPDATE charge_attempts SET outcome = ?, status = ?, provider_reference = ?, code = ?, category = ?,
                       message = ?, http_status = ?, latency_ms = ?, resolved_from_outcome = ?, resolved_from_code = ?,
                       request_excerpt = COALESCE(?, request_excerpt),
                       response_excerpt = ?, finished_at = ?, next_check_at = ?
                WHERE charge_id = ? AND seq = ?""" + " AND " + sameCall, args.toArray())) == 1;
    }

    /** An attempt reconciliation must ask the provider about. */
    public record DueAttempt(String chargeId, int seq, String provider, String reference, String providerReference,
                             String outcome, String code, Instant startedAt, int checks) {
    }

    public List<DueAttempt> findDueAttempts(Instant now, int limit) {
        return jdbc.query("""
                SELECT charge_id, seq, provider, attempt_reference, provider_reference, outcome, code, started_at, checks
                FROM charge_attempts
                WHERE next_check_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
                ORDER BY next_check_at
                LIMIT ?""",
                (rs, i) -> new DueAttempt(rs.getString("charge_id"), rs.getInt("seq"), rs.getString("provider"),
                        rs.getString("attempt_reference"), rs.getString("provider_reference"), rs.getString("outcome"),
                        rs.getString("code"), instant(rs, "started_at"), rs.getInt("checks")),
                ts(now), ts(now), limit);
    }

    /** Takes the work on one due attempt; only one caller, on any instance, gets true until the claim expires. */
    public boolean claimAttempt(DueAttempt a, Instant now, Instant until) {
        return jdbc.update("""
                UPDATE charge_attempts SET claimed_until = ?
                WHERE charge_id = ? AND seq = ? AND next_check_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)""",
                ts(until), a.chargeId(), a.seq(), ts(now), ts(now)) == 1;
    }

    /**
     * Still unknown or pending: the next status query is due at {@code next} (null: no more automatic checks). An
     * attempt whose own call has meanwhile answered for good (a stalled instance, not a dead one) keeps its answer
     * and gets no more checks.
     */
    public void rescheduleAttempt(DueAttempt a, Instant next) {
        jdbc.update("""
                UPDATE charge_attempts SET next_check_at = ?, checks = checks + 1, claimed_until = NULL
                WHERE charge_id = ? AND seq = ? AND (outcome IS NULL OR outcome IN ('UNKNOWN', 'PENDING'))""",
                ts(next), a.chargeId(), a.seq());
    }

    /** Records what reconciliation learnt: the attempt's final outcome, and what it was before. */
    public void resolveAttempt(DueAttempt a, AttemptResult r, Instant now) {
        rollup.write(a.chargeId(), () -> jdbc.update("""
                UPDATE charge_attempts SET outcome = ?, status = ?, provider_reference = COALESCE(?, provider_reference),
                       code = ?, category = ?, message = ?, resolved_from_outcome = ?, resolved_from_code = ?,
                       finished_at = COALESCE(finished_at, ?), next_check_at = NULL, claimed_until = NULL,
                       checks = checks + 1
                WHERE charge_id = ? AND seq = ?""",
                r.outcome().name(), r.status() == null ? null : r.status().wire(), r.providerReference(), r.code(),
                r.category(), truncate(r.message(), 1000), a.outcome() == null ? Outcome.UNKNOWN.name() : a.outcome(),
                a.outcome() == null ? "interrupted" : a.code(), ts(now), a.chargeId(), a.seq()));
    }

    /** A finished attempt as routing learns from it, with its charge's routing decision (JSON). */
    public record RecentAttempt(String provider, String outcome, String category, int latencyMs, Instant finishedAt,
                                String routingJson) {
    }

    /**
     * The finished attempts of the newest charges created since {@code since} (at most {@code limit} of them, newest
     * charges first), for routing's warm start: a range of the charges' primary key, as ids begin with their time.
     */
    public List<RecentAttempt> recentAttempts(Instant since, int limit) {
        return jdbc.query("""
                SELECT a.provider, a.outcome, a.category, a.latency_ms, a.finished_at, c.routing
                FROM charges c JOIN charge_attempts a ON a.charge_id = c.id
                WHERE c.id >= ? AND c.routing IS NOT NULL AND a.outcome IS NOT NULL AND a.latency_ms IS NOT NULL
                  AND a.finished_at IS NOT NULL
                ORDER BY c.id DESC, a.seq DESC
                LIMIT ?""",
                (rs, i) -> new RecentAttempt(rs.getString("provider"), rs.getString("outcome"), rs.getString("category"),
                        rs.getInt("latency_ms"), instant(rs, "finished_at"), rs.getString("routing")),
                Ids.firstChargeIdAt(since), limit);
    }

    public Optional<StoredCharge> findCharge(String id) {
        return jdbc.query("SELECT * FROM charges WHERE id = ?", ChargeRepository::charge, id).stream().findFirst();
    }

    public Optional<StoredCharge> findCharge(String merchantId, String id) {
        return jdbc.query("SELECT * FROM charges WHERE id = ? AND merchant_id = ?", ChargeRepository::charge, id, merchantId)
                .stream().findFirst();
    }

    public List<StoredAttempt> findAttempts(String chargeId) {
        return jdbc.query("SELECT * FROM charge_attempts WHERE charge_id = ? ORDER BY seq", ChargeRepository::attempt, chargeId);
    }

    private static StoredCharge charge(ResultSet rs, int row) throws SQLException {
        return new StoredCharge(rs.getString("id"), rs.getString("merchant_id"),
                ChargeStatus.fromWire(rs.getString("status")), rs.getLong("amount"), rs.getString("currency"),
                rs.getString("reference"), rs.getString("description"), rs.getString("customer"), rs.getString("payment_method"),
                rs.getString("metadata"), rs.getString("provider"), rs.getString("provider_reference"),
                rs.getString("failure_code"), rs.getString("failure_category"), rs.getString("failure_message"),
                rs.getString("routing"), rs.getString("next_action"), rs.getInt("rounds"), instant(rs, "next_round_at"),
                rs.getString("last_error"), instant(rs, "created_at"), instant(rs, "updated_at"), rs.getLong("refunded_amount"));
    }

    private static StoredAttempt attempt(ResultSet rs, int row) throws SQLException {
        return new StoredAttempt(rs.getInt("seq"), rs.getString("provider"), rs.getString("attempt_reference"),
                rs.getString("outcome"), rs.getString("status"), rs.getString("provider_reference"),
                rs.getString("code"), rs.getString("category"), rs.getString("message"),
                (Integer) rs.getObject("http_status"), (Integer) rs.getObject("latency_ms"),
                rs.getString("resolved_from_outcome"), rs.getString("resolved_from_code"),
                instant(rs, "started_at"), instant(rs, "finished_at"), instant(rs, "resent_at"));
    }

}

package io.payroute.refund;

import static io.payroute.sql.SqlValues.ts;
import static io.payroute.sql.SqlValues.truncate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The refunds table, and the charge's {@code refunded_amount} reservation that guards it: the database, not a
 * JVM lock, decides that refunds never exceed what was captured, on any number of instances.
 */
@Repository
public class RefundRepository {

    public record StoredRefund(String id, String chargeId, String merchantId, long amount, String currency,
                               RefundStatus status, String provider, String providerReference, String reason,
                               String failureCode, String failureMessage, Instant createdAt, Instant updatedAt) {

        public StoredRefund withOutcome(RefundStatus newStatus, String newProviderReference, String code, String message, Instant now) {
            return new StoredRefund(id, chargeId, merchantId, amount, currency, newStatus,
                    provider, newProviderReference != null ? newProviderReference : providerReference, reason, code, message,
                    createdAt, now);
        }
    }

    private final JdbcTemplate jdbc;

    public RefundRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Reserves {@code amount} of a succeeded charge for a refund; false when that would exceed what was captured
     * (or the charge is not succeeded). Concurrent reservations serialise on the charge row.
     */
    public boolean reserve(String chargeId, long amount) {
        return jdbc.update("""
                UPDATE charges SET refunded_amount = refunded_amount + ?
                WHERE id = ? AND status = 'succeeded' AND refunded_amount + ? <= amount""",
                amount, chargeId, amount) == 1;
    }

    /** Gives back the reservation of a refund that failed. */
    public void release(String chargeId, long amount) {
        jdbc.update("UPDATE charges SET refunded_amount = refunded_amount - ? WHERE id = ?", amount, chargeId);
    }

    /** What the charge still has to refund: captured minus refunds that have not failed. */
    public long refundable(String chargeId) {
        Long left = jdbc.queryForObject("SELECT amount - refunded_amount FROM charges WHERE id = ?", Long.class, chargeId);
        return left == null ? 0 : left;
    }

    public void insert(StoredRefund r, Instant checkAt) {
        jdbc.update("""
                INSERT INTO refunds (id, charge_id, merchant_id, amount, currency, status, provider, provider_reference,
                       reason, next_check_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                r.id(), r.chargeId(), r.merchantId(), r.amount(), r.currency(), r.status().wire(), r.provider(),
                r.providerReference(), r.reason(), ts(checkAt), ts(r.createdAt()), ts(r.updatedAt()));
    }

    /** Applies a new state if the refund is still {@code expected}; {@code nextCheckAt} null once final. */
    public boolean update(StoredRefund r, RefundStatus expected, Instant nextCheckAt) {
        return jdbc.update("""
                UPDATE refunds SET status = ?, provider_reference = ?, failure_code = ?, failure_message = ?,
                       next_check_at = ?, claimed_until = NULL, updated_at = ?
                WHERE id = ? AND status = ?""",
                r.status().wire(), r.providerReference(), r.failureCode(), truncate(r.failureMessage(), 1000),
                ts(nextCheckAt), ts(r.updatedAt()), r.id(), expected.wire()) == 1;
    }

    public Optional<StoredRefund> find(String id) {
        return jdbc.query("SELECT * FROM refunds WHERE id = ?", RefundRepository::refund, id).stream().findFirst();
    }

    public Optional<StoredRefund> find(String merchantId, String id) {
        return jdbc.query("SELECT * FROM refunds WHERE id = ? AND merchant_id = ?", RefundRepository::refund, id, merchantId)
                .stream().findFirst();
    }

    public List<StoredRefund> forCharge(String chargeId) {
        return jdbc.query("SELECT * FROM refunds WHERE charge_id = ? ORDER BY created_at, id", RefundRepository::refund, chargeId);
    }

    public Optional<StoredRefund> findByProviderReference(String provider, String providerReference) {
        return jdbc.query("SELECT * FROM refunds WHERE provider = ? AND provider_reference = ?", RefundRepository::refund,
                provider, providerReference).stream().findFirst();
    }

    /** Pending refunds whose provider must be asked again, not claimed by another instance. */
    public List<StoredRefund> findDue(Instant now, int limit) {
        return jdbc.query("""
                SELECT * FROM refunds WHERE next_check_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
                ORDER BY next_check_at LIMIT ?""", RefundRepository::refund, ts(now), ts(now), limit);
    }

    public boolean claim(String id, Instant now, Instant until) {
        return jdbc.update("""
                UPDATE refunds SET claimed_until = ?
                WHERE id = ? AND next_check_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)""",
                ts(until), id, ts(now), ts(now)) == 1;
    }

    public void reschedule(String id, Instant next) {
        jdbc.update("UPDATE refunds SET next_check_at = ?, checks = checks + 1, claimed_until = NULL WHERE id = ?", ts(next), id);
    }

    public int checks(String id) {
        Integer n = jdbc.queryForObject("SELECT checks FROM refunds WHERE id = ?", Integer.class, id);
        return n == null ? 0 : n;
    }

    private static StoredRefund refund(ResultSet rs, int row) throws SQLException {
        return new StoredRefund(rs.getString("id"), rs.getString("charge_id"), rs.getString("merchant_id"), rs.getLong("amount"),
                rs.getString("currency"), RefundStatus.fromWire(rs.getString("status")), rs.getString("provider"),
                rs.getString("provider_reference"), rs.getString("reason"), rs.getString("failure_code"),
                rs.getString("failure_message"), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }

}

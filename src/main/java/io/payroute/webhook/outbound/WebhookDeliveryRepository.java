package io.payroute.webhook.outbound;

import static io.payroute.sql.SqlValues.ts;
import static io.payroute.sql.SqlValues.instant;
import static io.payroute.sql.SqlValues.truncate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The webhook_deliveries and webhook_delivery_attempts tables. */
@Repository
public class WebhookDeliveryRepository {

    /** Statuses of a delivery. */
    public static final String PENDING = "pending";
    public static final String DELIVERING = "delivering";
    public static final String RETRYING = "retrying";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    /** The endpoint was disabled or deleted before the delivery's turn came. */
    public static final String SKIPPED = "skipped";

    public record Delivery(String id, String eventId, String endpointId, String status, int attempts,
                           Instant nextAttemptAt, Instant claimedUntil, Integer lastStatusCode, String lastError,
                           Instant createdAt, Instant updatedAt) {
    }

    public record AttemptRecord(int attempt, Instant attemptedAt, Integer statusCode, Integer latencyMs, String error) {
    }

    private final JdbcTemplate jdbc;

    public WebhookDeliveryRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Creates the delivery unless one with {@code dedupeKey} exists (an event fanned out again after a broker
     * redelivery); true when it was created. The unique key settles a race between two instances.
     */
    public boolean insertIfAbsent(String id, String dedupeKey, String eventId, String endpointId, Instant now) {
        return jdbc.update("""
                INSERT INTO webhook_deliveries (id, dedupe_key, event_id, endpoint_id, status, attempts, created_at, updated_at)
                SELECT ?, ?, ?, ?, 'pending', 0, ?, ? FROM (VALUES (1)) AS one (x)
                WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries WHERE dedupe_key = ?)""",
                id, dedupeKey, eventId, endpointId, ts(now), ts(now), dedupeKey) == 1;
    }

    /**
     * Takes attempt {@code attempt} of the delivery, leased until {@code until}: when it is the next one, or when
     * the instance that took it died (lease expired). Only one caller on any instance gets true.
     */
    public boolean claim(String id, int attempt, Instant now, Instant until) {
        return jdbc.update("""
                UPDATE webhook_deliveries SET attempts = ?, status = 'delivering', claimed_until = ?, updated_at = ?
                WHERE id = ? AND ((attempts = ? AND status IN ('pending', 'retrying', 'failed'))
                               OR (attempts = ? AND status = 'delivering' AND claimed_until < ?))""",
                attempt, ts(until), ts(now), id, attempt - 1, attempt, ts(now)) == 1;
    }

    public void recordAttempt(String id, AttemptRecord a) {
        jdbc.update("""
                INSERT INTO webhook_delivery_attempts (delivery_id, attempt, attempted_at, status_code, latency_ms, error)
                VALUES (?, ?, ?, ?, ?, ?)""",
                id, a.attempt(), ts(a.attemptedAt()), a.statusCode(), a.latencyMs(), truncate(a.error(), 1000));
    }

    /** Ends the attempt in progress: the delivery's new status, and when the next attempt is due (retrying). */
    public void finish(String id, String status, Instant nextAttemptAt, Integer statusCode, String error, Instant now) {
        jdbc.update("""
                UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, claimed_until = NULL, last_status_code = ?,
                       last_error = ?, updated_at = ?
                WHERE id = ?""",
                status, ts(nextAttemptAt), statusCode, truncate(error, 1000), ts(now), id);
    }

    /** A delivery whose endpoint no longer takes events; only one that has not started. */
    public boolean skip(String id, String why, Instant now) {
        return jdbc.update("""
                UPDATE webhook_deliveries SET status = 'skipped', last_error = ?, next_attempt_at = NULL, updated_at = ?
                WHERE id = ? AND status IN ('pending', 'retrying')""", why, ts(now), id) == 1;
    }

    public Optional<Delivery> find(String id) {
        return jdbc.query("SELECT * FROM webhook_deliveries WHERE id = ?", WebhookDeliveryRepository::delivery, id)
                .stream().findFirst();
    }

    public List<Delivery> forEvent(String eventId) {
        return jdbc.query("SELECT * FROM webhook_deliveries WHERE event_id = ? ORDER BY created_at, id",
                WebhookDeliveryRepository::delivery, eventId);
    }

    public List<AttemptRecord> attempts(String deliveryId) {
        return jdbc.query("SELECT * FROM webhook_delivery_attempts WHERE delivery_id = ? ORDER BY attempt",
                (rs, i) -> new AttemptRecord(rs.getInt("attempt"), instant(rs, "attempted_at"),
                        (Integer) rs.getObject("status_code"), (Integer) rs.getObject("latency_ms"), rs.getString("error")),
                deliveryId);
    }

    private static Delivery delivery(ResultSet rs, int row) throws SQLException {
        return new Delivery(rs.getString("id"), rs.getString("event_id"), rs.getString("endpoint_id"),
                rs.getString("status"), rs.getInt("attempts"), instant(rs, "next_attempt_at"), instant(rs, "claimed_until"),
                (Integer) rs.getObject("last_status_code"), rs.getString("last_error"), instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

}

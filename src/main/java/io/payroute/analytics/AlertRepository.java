package io.payroute.analytics;

import static io.payroute.sql.SqlValues.instant;
import static io.payroute.sql.SqlValues.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The alerts table. An open alert holds {@code open_key}, whose unique index lets only one instance open an alert
 * for a key; resolving clears it, and only the instance whose update matched reports the resolution.
 */
@Repository
public class AlertRepository {

    public record Alert(String id, String kind, String dimension, String value, double baselineRate, int baselineSamples,
                        double currentRate, int currentSamples, Instant openedAt, Instant updatedAt, Instant resolvedAt) {

        public boolean isOpen() {
            return resolvedAt == null;
        }
    }

    private final JdbcTemplate jdbc;

    public AlertRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Throws DuplicateKeyException when an alert for the same dimension and value is open already. */
    public void open(Alert a) {
        jdbc.update("""
                INSERT INTO alerts (id, kind, dimension, dimension_value, open_key, baseline_rate, baseline_samples,
                                    current_rate, current_samples, opened_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                a.id(), a.kind(), a.dimension(), a.value(), openKey(a), a.baselineRate(), a.baselineSamples(),
                a.currentRate(), a.currentSamples(), ts(a.openedAt()), ts(a.updatedAt()));
    }

    /** The latest rate of an open alert. */
    public void update(Alert a) {
        jdbc.update("UPDATE alerts SET current_rate = ?, current_samples = ?, updated_at = ? WHERE id = ? AND open_key IS NOT NULL",
                a.currentRate(), a.currentSamples(), ts(a.updatedAt()), a.id());
    }

    /** Closes the alert; true only for the caller whose update closed it. */
    public boolean resolve(Alert a) {
        return jdbc.update("""
                UPDATE alerts SET open_key = NULL, resolved_at = ?, current_rate = ?, current_samples = ?, updated_at = ?
                WHERE id = ? AND open_key IS NOT NULL""",
                ts(a.resolvedAt()), a.currentRate(), a.currentSamples(), ts(a.resolvedAt()), a.id()) == 1;
    }

    public List<Alert> findOpen() {
        return jdbc.query("SELECT * FROM alerts WHERE open_key IS NOT NULL ORDER BY opened_at", AlertRepository::alert);
    }

    /** Newest first: every alert, or the open ones only. */
    public List<Alert> list(boolean openOnly, int limit) {
        return jdbc.query("SELECT * FROM alerts" + (openOnly ? " WHERE open_key IS NOT NULL" : "")
                + " ORDER BY opened_at DESC LIMIT ?", AlertRepository::alert, limit);
    }

    private static String openKey(Alert a) {
        return a.dimension() + ":" + a.value();
    }

    private static Alert alert(ResultSet rs, int row) throws SQLException {
        return new Alert(rs.getString("id"), rs.getString("kind"), rs.getString("dimension"), rs.getString("dimension_value"),
                rs.getDouble("baseline_rate"), rs.getInt("baseline_samples"), rs.getDouble("current_rate"),
                rs.getInt("current_samples"), instant(rs, "opened_at"), instant(rs, "updated_at"), instant(rs, "resolved_at"));
    }
}

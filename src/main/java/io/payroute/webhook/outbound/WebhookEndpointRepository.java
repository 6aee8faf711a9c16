package io.payroute.webhook.outbound;

import static io.payroute.sql.SqlValues.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The webhook_endpoints table. Every read is scoped to a merchant, so one never sees another's endpoints. */
@Repository
public class WebhookEndpointRepository {

    private final JdbcTemplate jdbc;

    public WebhookEndpointRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(WebhookEndpoint e) {
        jdbc.update("""
                INSERT INTO webhook_endpoints (id, merchant_id, url, description, enabled_events, status, secret,
                       created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                e.id(), e.merchantId(), e.url(), e.description(), String.join(",", e.enabledEvents()), e.status(),
                e.sealedSecret(), ts(e.createdAt()), ts(e.updatedAt()));
    }

    /** Applies url, description, events, status and secrets as given; false when the endpoint is gone. */
    public boolean update(WebhookEndpoint e) {
        return jdbc.update("""
                UPDATE webhook_endpoints SET url = ?, description = ?, enabled_events = ?, status = ?, secret = ?,
                       previous_secret = ?, previous_secret_expires_at = ?, updated_at = ?
                WHERE id = ? AND merchant_id = ? AND status <> 'deleted'""",
                e.url(), e.description(), String.join(",", e.enabledEvents()), e.status(), e.sealedSecret(),
                e.sealedPreviousSecret(), ts(e.previousSecretExpiresAt()), ts(e.updatedAt()), e.id(), e.merchantId()) == 1;
    }

    public Optional<WebhookEndpoint> find(String merchantId, String id) {
        return jdbc.query("SELECT * FROM webhook_endpoints WHERE id = ? AND merchant_id = ? AND status <> 'deleted'",
                WebhookEndpointRepository::endpoint, id, merchantId).stream().findFirst();
    }

    /** Also a deleted one: deliveries already made keep pointing at it. */
    public Optional<WebhookEndpoint> findAny(String id) {
        return jdbc.query("SELECT * FROM webhook_endpoints WHERE id = ?", WebhookEndpointRepository::endpoint, id)
                .stream().findFirst();
    }

    public List<WebhookEndpoint> list(String merchantId) {
        return jdbc.query("SELECT * FROM webhook_endpoints WHERE merchant_id = ? AND status <> 'deleted' ORDER BY created_at, id",
                WebhookEndpointRepository::endpoint, merchantId);
    }

    public List<WebhookEndpoint> enabled(String merchantId) {
        return jdbc.query("SELECT * FROM webhook_endpoints WHERE merchant_id = ? AND status = 'enabled' ORDER BY id",
                WebhookEndpointRepository::endpoint, merchantId);
    }

    private static WebhookEndpoint endpoint(ResultSet rs, int row) throws SQLException {
        Timestamp previousExpires = rs.getTimestamp("previous_secret_expires_at");
        return new WebhookEndpoint(rs.getString("id"), rs.getString("merchant_id"), rs.getString("url"),
                rs.getString("description"), Arrays.asList(rs.getString("enabled_events").split(",")),
                rs.getString("status"), rs.getString("secret"), rs.getString("previous_secret"),
                previousExpires == null ? null : previousExpires.toInstant(), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

}

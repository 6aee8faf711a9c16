package io.payroute.webhook.inbound;

import static io.payroute.sql.SqlValues.truncate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.payroute.charge.Ids;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/** The provider_webhooks table: what each verified provider webhook did, one row per provider event. */
@Repository
public class ProviderWebhookRepository {

    private final JdbcTemplate jdbc;

    public ProviderWebhookRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public boolean exists(String provider, String eventId) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM provider_webhooks WHERE provider = ? AND provider_event_id = ?",
                Integer.class, provider, eventId);
        return n != null && n > 0;
    }

    /** Records the event; a second insert of one provider event fails on the unique key (DuplicateKeyException). */
    public void insert(ProviderEvent e, String chargeId, String status, String result, String detail, Instant now) {
        jdbc.update("""
                INSERT INTO provider_webhooks (id, provider, provider_event_id, event_type, reference, provider_reference,
                       charge_id, status, result, detail, payload_excerpt, received_at, processed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                Ids.providerWebhook(), e.provider(), e.eventId(), truncate(e.type(), 100), truncate(e.reference(), 255),
                truncate(e.providerReference(), 255), chargeId, status, result, truncate(detail, 1000),
                truncate(e.payloadExcerpt(), 4000), Timestamp.from(e.receivedAt()), Timestamp.from(now));
    }

    /** The most recent first; {@code result} null for all. Field names as the admin API shows them. */
    public List<Map<String, Object>> list(String result, int limit) {
        String select = """
                SELECT id, provider, provider_event_id, event_type, reference, provider_reference, charge_id, status,
                       result, detail, received_at, processed_at FROM provider_webhooks""";
        RowMapper<Map<String, Object>> row = (rs, i) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            for (String column : List.of("id", "provider", "provider_event_id", "event_type", "reference",
                    "provider_reference", "charge_id", "status", "result", "detail")) {
                m.put(column, rs.getString(column));
            }
            m.put("received_at", rs.getTimestamp("received_at").toInstant().toString());
            m.put("processed_at", rs.getTimestamp("processed_at").toInstant().toString());
            return m;
        };
        return result == null
                ? jdbc.query(select + " ORDER BY received_at DESC LIMIT ?", row, limit)
                : jdbc.query(select + " WHERE result = ? ORDER BY received_at DESC LIMIT ?", row, result, limit);
    }

}

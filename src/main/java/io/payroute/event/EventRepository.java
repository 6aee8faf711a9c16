package io.payroute.event;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Reads of the published events (charge_events with their payload), always scoped to the merchant that owns
 * the charge. Written by {@link io.payroute.charge.ChargeEvents} in the transaction of each state change.
 */
@Repository
public class EventRepository {

    /** An event as published: {@code payload} is the exact JSON merchants receive. */
    public record StoredEvent(long seq, String id, String type, String chargeId, String merchantId, String payload,
                              Instant createdAt) {
    }

    private static final String SELECT = """
            SELECT e.id AS seq, e.event_id, e.type, e.charge_id, c.merchant_id, e.payload, e.created_at
            FROM charge_events e JOIN charges c ON c.id = e.charge_id""";

    private final JdbcTemplate jdbc;

    public EventRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<StoredEvent> find(String merchantId, String eventId) {
        return jdbc.query(SELECT + " WHERE e.event_id = ? AND c.merchant_id = ?", EventRepository::event, eventId, merchantId)
                .stream().findFirst();
    }

    /** The payload to deliver, whoever's it is (the delivery already names the endpoint it belongs to). */
    public Optional<String> payload(String eventId) {
        return jdbc.queryForList("SELECT payload FROM charge_events WHERE event_id = ?", String.class, eventId)
                .stream().findFirst();
    }

    /** Every published event of one charge, oldest first (the caller has checked the charge is the reader's). */
    public List<StoredEvent> forCharge(String chargeId) {
        return jdbc.query(SELECT + " WHERE e.charge_id = ? AND e.event_id IS NOT NULL ORDER BY e.id", EventRepository::event, chargeId);
    }

    /**
     * Newest first, {@code limit} of them, older than the event {@code startingAfter} when given (cursor paging),
     * of one type or one charge when asked.
     */
    public List<StoredEvent> list(String merchantId, String type, String chargeId, Long beforeSeq, int limit) {
        StringBuilder sql = new StringBuilder(SELECT).append(" WHERE c.merchant_id = ? AND e.event_id IS NOT NULL");
        List<Object> args = new java.util.ArrayList<>(List.of(merchantId));
        if (type != null) {
            sql.append(" AND e.type = ?");
            args.add(type);
        }
        if (chargeId != null) {
            sql.append(" AND e.charge_id = ?");
            args.add(chargeId);
        }
        if (beforeSeq != null) {
            sql.append(" AND e.id < ?");
            args.add(beforeSeq);
        }
        sql.append(" ORDER BY e.id DESC LIMIT ?");
        args.add(limit);
        return jdbc.query(sql.toString(), EventRepository::event, args.toArray());
    }

    private static StoredEvent event(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new StoredEvent(rs.getLong("seq"), rs.getString("event_id"), rs.getString("type"), rs.getString("charge_id"),
                rs.getString("merchant_id"), rs.getString("payload"), rs.getTimestamp("created_at").toInstant());
    }
}

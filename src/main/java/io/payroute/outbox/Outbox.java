package io.payroute.outbox;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payroute.api.LogContext;
import io.payroute.broker.Address;
import io.payroute.charge.Ids;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The write side of the transactional outbox: a message to send because of a state change is written in the
 * transaction of that change, and {@link OutboxRelay} sends it once it is committed. Callers must be inside
 * that transaction; a message written outside one would be sent even if the change it belongs to failed.
 */
@Component
public class Outbox {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final Clock clock;

    public Outbox(JdbcTemplate jdbc, ObjectMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /**
     * @param destination {@code queue:<address>} (anycast) or {@code topic:<address>} (multicast)
     * @param properties  message properties: String, Long, Integer or Boolean values. The correlation id of the work
     *                    that sends the message is added ({@link LogContext#MESSAGE_PROPERTY}) unless given
     * @param deliverAt   scheduled delivery (the broker holds the message until then); null for now
     */
    public void send(String destination, String body, Map<String, Object> properties, Instant deliverAt) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("outbox messages are written in the transaction of their state change");
        }
        Address.parse(destination);
        if (LogContext.requestId() != null && properties.get(LogContext.MESSAGE_PROPERTY) == null) {
            properties = new LinkedHashMap<>(properties);
            properties.put(LogContext.MESSAGE_PROPERTY, LogContext.requestId());
        }
        jdbc.update("""
                INSERT INTO outbox (message_id, destination, body, properties, deliver_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?)""",
                Ids.message(), destination, body, write(properties), deliverAt == null ? null : Timestamp.from(deliverAt),
                Timestamp.from(clock.instant()));
    }

    public void send(String destination, String body, Map<String, Object> properties) {
        send(destination, body, properties, null);
    }

    private String write(Map<String, Object> properties) {
        try {
            return json.writeValueAsString(properties);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("message properties must be plain values", e);
        }
    }
}

package io.payroute.outbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.payroute.broker.Address;
import io.payroute.charge.Ids;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.JmsException;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * The read side of the transactional outbox (bean {@code outboxRelay}, driven by routes/outbox.yaml): claims a
 * batch of committed messages, sends them to the broker in one JMS transaction, then deletes them.
 * <p>
 * Claims are leases taken with a conditional UPDATE, so several instances relay disjoint batches. A relay that
 * dies after sending and before deleting (or loses the broker between its commit and the answer) leaves its batch
 * to be claimed again when the lease runs out; the broker then drops the second copies by their duplicate-detection
 * id ({@code _AMQ_DUPL_ID} = message_id). It rejects a transaction holding such a copy as a whole, so that batch is
 * sent again one message per transaction.
 */
@Component("outboxRelay")
public class OutboxRelay {

    /** Artemis message properties: duplicate detection and scheduled delivery. */
    static final String DUPLICATE_ID = "_AMQ_DUPL_ID";
    public static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";
    private static final TypeReference<Map<String, Object>> PROPERTIES = new TypeReference<>() {
    };

    private final JdbcTemplate jdbc;
    private final JmsTemplate jms;
    private final ObjectMapper json;
    private final Clock clock;
    private final int batchSize;
    private final Duration lease;
    private final Counter relayed;
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /** Only the relay route's single timer thread touches these. */
    private Instant failingSince;
    private Instant lastWarning = Instant.EPOCH;

    public OutboxRelay(JdbcTemplate jdbc, ConnectionFactory connectionFactory, ObjectMapper json, Clock clock, MeterRegistry meters,
                       @Value("${payroute.outbox.batch-size}") int batchSize,
                       @Value("${payroute.outbox.claim-lease}") Duration lease) {
        this.jdbc = jdbc;
        this.jms = new JmsTemplate(connectionFactory);
        // one broker transaction per batch: all of it is sent, or none
        this.jms.setSessionTransacted(true);
        this.json = json;
        this.clock = clock;
        this.batchSize = batchSize;
        this.lease = lease;
        this.relayed = Counter.builder("payroute.outbox.relayed").description("Messages sent from the outbox to the broker")
                .baseUnit("messages").register(meters);
        meters.gauge("payroute.outbox.backlog", jdbc, j -> backlog());
    }

    /**
     * Relays batches until the outbox has no unclaimed message left; returns how many were sent. While the
     * broker or the database is down the messages simply wait (their claims lapse); that is logged once, and
     * again every minute it lasts, not on every poll.
     */
    public int relay() {
        int total = 0;
        int sent;
        try {
            do {
                sent = relayBatch();
                total += sent;
            } while (sent >= batchSize);
        } catch (RuntimeException e) {
            Instant now = clock.instant();
            if (failingSince == null || now.isAfter(lastWarning.plus(WARN_EVERY))) {
                log.warn("outbox relay cannot send (messages wait in the outbox{}): {}",
                        failingSince == null ? "" : " since " + failingSince, e.toString());
                lastWarning = now;
            }
            failingSince = failingSince == null ? now : failingSince;
            return total;
        }
        if (failingSince != null) {
            log.info("outbox relay sends again (it could not since {})", failingSince);
            failingSince = null;
        }
        return total;
    }

    private int relayBatch() {
        String claim = Ids.message();
        Instant now = clock.instant();
        // whole milliseconds: the database must store exactly the value the batch is then looked up by
        Timestamp until = Timestamp.from(now.plus(lease).truncatedTo(ChronoUnit.MILLIS));
        // the lowest claimable ids, then a conditional UPDATE of the id range they span: the condition is re-checked on
        // a row another instance claimed meanwhile, so each row has one claimant (a row committed into the range
        // since the SELECT is claimed too). An UPDATE ... WHERE id IN (SELECT ... LIMIT) costs H2 a distinct sort of
        // the subquery per call: a fifth of the service's CPU under load.
        Timestamp at = Timestamp.from(now);
        List<Long> ids = jdbc.queryForList("SELECT id FROM outbox WHERE claimed_until IS NULL OR claimed_until < ? ORDER BY id LIMIT ?",
                Long.class, at, batchSize);
        if (ids.isEmpty()) {
            return 0;
        }
        int claimed = jdbc.update("""
                UPDATE outbox SET claimed_by = ?, claimed_until = ?
                WHERE id BETWEEN ? AND ? AND (claimed_until IS NULL OR claimed_until < ?)""",
                claim, until, ids.get(0), ids.get(ids.size() - 1), at);
        if (claimed == 0) {
            return 0;
        }
        // claimed_until leads the index, so the batch is found without scanning a backlog
        List<OutboxMessage> batch = jdbc.query("SELECT * FROM outbox WHERE claimed_until = ? AND claimed_by = ? ORDER BY id",
                this::message, until, claim);
        try {
            jms.execute(session -> {
                send(session, batch);
                return null;
            }, true);
        } catch (JmsException e) {
            if (!rejectedAsDuplicate(e)) {
                throw e;
            }
            // Artemis rejects a whole transaction that holds one copy it has seen, so a batch that was half-relayed
            // before (sent, not deleted) would be rejected on every retry: send it one message per transaction instead,
            // and only the copies already delivered are dropped
            jms.execute(session -> {
                for (OutboxMessage m : batch) {
                    try {
                        send(session, List.of(m));
                    } catch (JMSException | RuntimeException one) {
                        if (!rejectedAsDuplicate(one)) {
                            throw one;
                        }
                    }
                }
                return null;
            }, true);
        }
        jdbc.update("DELETE FROM outbox WHERE claimed_until = ? AND claimed_by = ?", until, claim);
        relayed.increment(batch.size());
        return batch.size();
    }

    private static void send(Session session, List<OutboxMessage> batch) throws JMSException {
        if (!session.getTransacted()) {
            throw new IllegalStateException("the outbox relay needs a transacted JMS session");
        }
        try (MessageProducer producer = session.createProducer(null)) {
            for (OutboxMessage m : batch) {
                Message message = Address.text(session, m.body(), m.properties());
                message.setStringProperty(DUPLICATE_ID, m.messageId());
                if (m.deliverAt() != null) {
                    message.setLongProperty(SCHEDULED_DELIVERY, m.deliverAt().toEpochMilli());
                }
                producer.send(m.destination().in(session), message);
            }
            session.commit();
        } catch (JMSException | RuntimeException e) {
            session.rollback();
            throw e;
        }
    }

    private static boolean rejectedAsDuplicate(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ActiveMQDuplicateIdException) {
                return true;
            }
        }
        return false;
    }

    private int backlog() {
        Integer count = jdbc.queryForObject("SELECT COUNT(*) FROM outbox", Integer.class);
        return count == null ? 0 : count;
    }

    private OutboxMessage message(ResultSet rs, int row) throws SQLException {
        Timestamp deliverAt = rs.getTimestamp("deliver_at");
        try {
            return new OutboxMessage(rs.getLong("id"), rs.getString("message_id"),
                    Address.parse(rs.getString("destination")), rs.getString("body"),
                    json.readValue(rs.getString("properties"), PROPERTIES), deliverAt == null ? null : deliverAt.toInstant());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("outbox row " + rs.getLong("id") + " has unreadable properties", e);
        }
    }
}

package io.payroute.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.payroute.charge.Ids;
import io.payroute.support.ApiTestSupport;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jms.core.JmsTemplate;

/**
 * A relay that loses the broker between its commit and the delete leaves a batch in the outbox that the broker
 * already has. Found by bench/drills/cluster-drills.sh (broker-restart): Artemis rejects a whole transaction that
 * holds one message it has seen by its duplicate id, so that batch was rejected on every poll and the outbox never
 * drained. The relay running in this context (routes/outbox.yaml) must now send what is new and drop the copy.
 */
class OutboxRelayApiTest extends ApiTestSupport {

    private static final String ADDRESS = "outbox.relay.test";

    @Autowired
    private ConnectionFactory connectionFactory;

    @Test
    void aBatchHoldingACopyTheBrokerAlreadyHasIsRelayedWithoutTheCopy() throws JMSException, InterruptedException {
        JmsTemplate receiver = new JmsTemplate(connectionFactory);
        receiver.setReceiveTimeout(2_000);
        String sent = Ids.message();
        insertRows(sent);
        awaitOutboxEmpty();
        assertThat(bodies(receiver)).containsExactly("message " + sent);

        // the same message again, as a relay that died before its delete leaves it, in one batch with a new one
        String fresh = Ids.message();
        insertRows(sent, fresh);
        awaitOutboxEmpty();
        assertThat(bodies(receiver)).as("the copy is dropped, the new message goes out").containsExactly("message " + fresh);
    }

    /** One row per message id, all in one statement, so the relay claims them as one batch. */
    private void insertRows(String... messageIds) {
        StringBuilder sql = new StringBuilder("INSERT INTO outbox (message_id, destination, body, properties, created_at) VALUES ");
        List<Object> args = new ArrayList<>();
        for (String id : messageIds) {
            sql.append(args.isEmpty() ? "" : ", ").append("(?, ?, ?, '{}', ?)");
            args.addAll(List.of(id, "queue:" + ADDRESS, "message " + id, Timestamp.from(Instant.now())));
        }
        jdbc.update(sql.toString(), args.toArray());
    }

    private void awaitOutboxEmpty() throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        Integer left;
        while ((left = jdbc.queryForObject("SELECT COUNT(*) FROM outbox WHERE destination = ?", Integer.class, "queue:" + ADDRESS)) > 0
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(left).as("outbox rows still waiting to be relayed").isZero();
    }

    private static List<String> bodies(JmsTemplate receiver) throws JMSException {
        List<String> bodies = new ArrayList<>();
        for (Message m; (m = receiver.receive(ADDRESS)) != null; ) {
            bodies.add(m.getBody(String.class));
        }
        return bodies;
    }
}

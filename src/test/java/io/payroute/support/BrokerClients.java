package io.payroute.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;

/**
 * Real clients of the embedded broker's TCP acceptor (test profile: 127.0.0.1:61626), as producers and
 * subscribers outside the JVM would connect: CORE (Artemis JMS client) and AMQP 1.0 (Qpid JMS).
 */
public final class BrokerClients {

    public static final String ACCEPTOR = "127.0.0.1:61626";
    public static final String REQUESTS = "payroute.charges.requests";
    public static final String EVENTS = "payroute.charge.events";
    private static final ObjectMapper JSON = new ObjectMapper();

    private BrokerClients() {
    }

    public static ConnectionFactory amqp(String user, String password) {
        JmsConnectionFactory factory = new JmsConnectionFactory("amqp://" + ACCEPTOR);
        factory.setUsername(user);
        factory.setPassword(password);
        return factory;
    }

    public static ConnectionFactory core(String user, String password) {
        return new ActiveMQConnectionFactory("tcp://" + ACCEPTOR, user, password);
    }

    /** The test profile's producer (merchant_default), over AMQP 1.0. */
    public static Connection producer() throws JMSException {
        Connection c = amqp("producer", "producer-test").createConnection();
        c.start();
        return c;
    }

    public static Connection subscriber() throws JMSException {
        Connection c = amqp("subscriber", "subscriber-test").createConnection();
        c.start();
        return c;
    }

    /** Sends a charge request as the queue contract describes it (docs/queues.md); returns the message as sent. */
    public static TextMessage sendRequest(Session session, String body, Map<String, String> properties, Destination replyTo)
            throws JMSException {
        TextMessage m = session.createTextMessage(body);
        for (Map.Entry<String, String> p : properties.entrySet()) {
            if (p.getKey().equals("JMSCorrelationID")) {
                m.setJMSCorrelationID(p.getValue());
            } else {
                m.setStringProperty(p.getKey(), p.getValue());
            }
        }
        m.setJMSReplyTo(replyTo);
        session.createProducer(session.createQueue(REQUESTS)).send(m);
        return m;
    }

    public static String correlationId(Message m) {
        try {
            return m.getJMSCorrelationID();
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(Message m) throws Exception {
        return JSON.readTree(((TextMessage) m).getText());
    }

    /** Reads messages until {@code count} match, or fails after the timeout (ms, overall). */
    public static List<Message> receiveMatching(MessageConsumer consumer, int count, long timeoutMs,
                                                Predicate<Message> match) throws JMSException {
        List<Message> matched = new ArrayList<>();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (matched.size() < count) {
            long left = deadline - System.currentTimeMillis();
            Message m = left > 0 ? consumer.receive(left) : null;
            if (m == null) {
                throw new AssertionError("received " + matched.size() + " of " + count + " expected messages in " + timeoutMs + " ms");
            }
            if (match.test(m)) {
                matched.add(m);
            }
        }
        return matched;
    }
}

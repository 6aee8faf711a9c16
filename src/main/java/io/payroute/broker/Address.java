package io.payroute.broker;

import java.util.Map;

import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;

/**
 * A broker address as PayRoute writes it down (outbox rows, work messages, dead letters):
 * {@code queue:<name>} for anycast, {@code topic:<name>} for multicast.
 */
public record Address(boolean topic, String name) {

    public static Address parse(String address) {
        int colon = address == null ? -1 : address.indexOf(':');
        String kind = colon < 0 ? "" : address.substring(0, colon);
        if (!kind.equals("queue") && !kind.equals("topic") || colon == address.length() - 1) {
            throw new IllegalArgumentException("an address is queue:<name> or topic:<name>, not " + address);
        }
        return new Address(kind.equals("topic"), address.substring(colon + 1));
    }

    public static Address of(Destination destination) throws JMSException {
        if (destination instanceof Queue q) {
            return new Address(false, q.getQueueName());
        }
        if (destination instanceof Topic t) {
            return new Address(true, t.getTopicName());
        }
        throw new IllegalArgumentException("unsupported destination " + destination);
    }

    public Destination in(Session session) throws JMSException {
        return topic ? session.createTopic(name) : session.createQueue(name);
    }

    /** A text message with the given properties (String, Long, Integer or Boolean values). */
    public static TextMessage text(Session session, String body, Map<String, Object> properties) throws JMSException {
        TextMessage message = session.createTextMessage(body);
        for (Map.Entry<String, Object> p : properties.entrySet()) {
            if (p.getValue() != null) {
                message.setObjectProperty(p.getKey(), p.getValue());
            }
        }
        return message;
    }

    /** Sends one message on {@code session}: a transacted session sends it when its transaction commits. */
    public void send(Session session, Message message) throws JMSException {
        try (var producer = session.createProducer(in(session))) {
            producer.send(message);
        }
    }

    @Override
    public String toString() {
        return (topic ? "topic:" : "queue:") + name;
    }
}

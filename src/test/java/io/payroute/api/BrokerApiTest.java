package io.payroute.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.payroute.support.ApiTestSupport;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * The embedded broker is reachable from outside the JVM: a CORE client and an AMQP 1.0 client (Qpid JMS)
 * connect over TCP to the acceptor the service adds (the test profile puts it on 127.0.0.1:61626) and
 * round-trip a message.
 */
class BrokerApiTest extends ApiTestSupport {

    @Test
    void tcpAcceptorServesExternalCoreClients() throws Exception {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:61626")) {
            assertRoundTrip(factory, "ping over CORE");
        }
    }

    @Test
    void tcpAcceptorServesExternalAmqpClients() throws Exception {
        assertRoundTrip(new JmsConnectionFactory("amqp://127.0.0.1:61626"), "ping over AMQP 1.0");
    }

    private static void assertRoundTrip(ConnectionFactory factory, String text) throws Exception {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createTemporaryQueue();
            MessageConsumer consumer = session.createConsumer(queue);
            session.createProducer(queue).send(session.createTextMessage(text));

            TextMessage received = (TextMessage) consumer.receive(5_000);

            assertThat(received).isNotNull();
            assertThat(received.getText()).isEqualTo(text);
        }
    }
}

package io.payroute.broker;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * Broker plugin: stamps every message with the user its sender logged in as ({@value #PROPERTY}), overwriting
 * whatever the client put there, so the service can trust who sent a charge request. Artemis's own
 * populate-validated-user does this for CORE messages only; this covers AMQP 1.0 producers as well.
 * An external broker loads it as a {@code <broker-plugin>} (docs/queues.md); Artemis requires the
 * {@link ActiveMQServerPlugin} type there.
 */
public class SenderStampPlugin implements ActiveMQServerPlugin {

    public static final String PROPERTY = "_AMQ_VALIDATED_USER";

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue) {
        String user = session.getValidatedUser();
        if (user == null) {
            message.removeProperty(PROPERTY);
        } else {
            message.putStringProperty(PROPERTY, user);
        }
    }
}

package io.payroute.outbox;

import java.time.Instant;
import java.util.Map;

import io.payroute.broker.Address;

/** One row of the outbox, as the relay sends it. */
record OutboxMessage(long id, String messageId, Address destination, String body, Map<String, Object> properties,
                     Instant deliverAt) {
}

package io.payroute.simulator;

import java.net.URI;
import java.time.Instant;

/**
 * One webhook a simulator sent (or is still trying to send).
 *
 * @param event      the provider's event name
 * @param reference  the charge's ledger reference
 * @param url        where it was sent
 * @param attempts   attempts made so far
 * @param statusCode HTTP status of the latest attempt, or null when it got no answer
 * @param error      why the latest attempt failed (I/O error or non-2xx), or null once delivered
 * @param sentAt     when the first attempt was made
 * @param state      delivering (attempts left), delivered (2xx) or failed (no attempts left)
 */
public record WebhookDelivery(String event, String reference, URI url, int attempts, Integer statusCode,
                              String error, Instant sentAt, State state) {

    public enum State {
        DELIVERING, DELIVERED, FAILED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}

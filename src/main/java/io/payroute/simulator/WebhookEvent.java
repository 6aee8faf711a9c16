package io.payroute.simulator;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A webhook a dialect rendered for a charge's final outcome. The body is serialised once: the exact bytes
 * signed are the bytes sent, on every attempt.
 *
 * @param type the provider's event name ({@code charge.success}, {@code payment_intent.succeeded}, ...)
 */
record WebhookEvent(String type, byte[] body) {

    static WebhookEvent of(String type, JsonNode body) {
        return new WebhookEvent(type, Json.bytes(body));
    }
}

package io.payroute.webhook.inbound;

import java.time.Instant;

/**
 * A verified provider webhook in canonical form, as {@code mappings/<provider>/webhook.jsonata} reads it.
 *
 * @param eventId   the provider's id for this notification (or one the mapping derives): the deduplication key
 * @param object    what it is about: {@code charge}, or another object PayRoute does not act on (yet)
 * @param reference the attempt (or refund) reference PayRoute sent, when the payload carries it
 * @param chargeReference for a refund that carries no id of its own: the reference of the charge it refunds
 * @param amount    minor units, when the provider's payload gives them (null otherwise)
 */
public record ProviderEvent(String provider, String eventId, String type, String object, String reference,
                            String chargeReference, String providerReference, Long amount, String currency, Instant receivedAt,
                            String payloadExcerpt) {
}

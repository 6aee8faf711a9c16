package io.payroute.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One provider's wire format: routes, request parsing into {@link ChargeAttempt}s and {@link RefundAttempt}s, and
 * rendering of outcomes and errors in the provider's own envelopes. Everything else lives in the shared engine.
 */
interface ProviderDialect {

    String name();

    /** Routes and answers one authenticated request. May throw {@link SimException}. */
    SimResponse handle(SimRequest request, ChargeDesk desk);

    /** A recorded charge (success, decline, pending, requires_action) as the charge endpoint answers it. */
    SimResponse renderCharge(ChargeRecord record);

    /** A second charge with an already used unique reference. */
    SimResponse duplicate(ChargeAttempt attempt);

    /** A raw card number that fails the Luhn check. */
    SimResponse invalidCard(ChargeAttempt attempt);

    /** A transport-level error in this provider's envelope; {@code message} null means the provider's usual text. */
    SimResponse error(ErrorKind kind, String message, String param);

    /**
     * The provider's webhook announcing that a charge's outcome is final ({@code succeeded} or {@code failed}),
     * with the charge rendered as the provider's status endpoint renders it; empty when the provider sends no
     * webhook for that outcome.
     */
    Optional<WebhookEvent> webhook(ChargeRecord record);

    /** How this provider's refunds go when no marker or test card decides: final at once, or queued. */
    RefundOutcome usualRefund();

    /** A recorded refund (pending, succeeded or failed) as the refund endpoint answers its creation. */
    SimResponse renderRefund(RefundRecord refund);

    /** A refund the engine refused (charge not succeeded, fully refunded, amount over what is left), in the provider's words. */
    SimResponse refundRefused(RefundRefused refusal);

    /**
     * The provider's webhook announcing that a refund's status is final ({@code succeeded} or {@code failed}); empty
     * when the provider sends no webhook for refunds.
     */
    Optional<WebhookEvent> refundWebhook(RefundRecord refund);

    /**
     * The header(s) by which the merchant authenticates one delivery attempt of a webhook {@code body} (the exact
     * bytes sent), computed with the webhook secret at time {@code now}.
     */
    Map<String, String> webhookSignature(byte[] body, String secret, Instant now);

    /** Forgets per-provider state beyond the ledger (Stripe's idempotency keys) when the ledger is cleared. */
    default void reset() {
    }

    /** {@code Authorization: Bearer <secret>}, compared in constant time. */
    default boolean authorized(SimRequest request, String secret) {
        String auth = request.header("Authorization");
        return auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                && constantTimeEquals(auth.substring(7).trim(), secret);
    }

    static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}

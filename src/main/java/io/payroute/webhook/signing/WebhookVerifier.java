package io.payroute.webhook.signing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * How a provider proves a webhook is its own, built from configuration ({@code payroute.providers.<name>.webhook}):
 * one of the schemes providers use, with the header and secret as data. Every check is over the raw body bytes
 * exactly as received, and every comparison is constant-time.
 */
public interface WebhookVerifier {

    /** The schemes a provider's webhook block may name. */
    enum Scheme {
        /** header = hex HMAC of the body under the secret (Paystack: x-paystack-signature, HmacSHA512). */
        HMAC_HEX,
        /** header = the configured secret itself (Flutterwave: verif-hash). */
        SHARED_SECRET,
        /** header = t=...,v1=... (Stripe-Signature): HMAC-SHA256 over "t.body", with a replay tolerance. */
        TIMESTAMPED_HMAC;

        public static Scheme fromConfig(String value) {
            return valueOf(value.trim().replace('-', '_').toUpperCase(Locale.ROOT));
        }
    }

    /** @param headers the request's headers by case-insensitive name (null when absent) */
    boolean verify(byte[] body, UnaryOperator<String> headers, Instant now);

    static WebhookVerifier of(Scheme scheme, String header, String secret, String algorithm, Duration tolerance) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("a webhook secret is required");
        }
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        return switch (scheme) {
            case HMAC_HEX -> (body, headers, now) -> {
                String presented = headers.apply(header);
                return Hmac.constantTimeEquals(Hmac.hex(algorithm, key, body),
                        presented == null ? null : presented.trim().toLowerCase(Locale.ROOT));
            };
            case SHARED_SECRET -> (body, headers, now) -> Hmac.constantTimeEquals(secret, headers.apply(header));
            case TIMESTAMPED_HMAC -> (body, headers, now) ->
                    TimestampedSignature.verify(headers.apply(header), body, key, tolerance, now);
        };
    }
}

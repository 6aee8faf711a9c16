package io.payroute.simulator;

import java.time.Instant;
import java.util.Map;

/**
 * One charge a simulator processed and recorded. Never holds a card number or CVC: cards are kept as
 * last4 + BIN only.
 *
 * @param id            provider id (Paystack numeric id, Flutterwave numeric id, Stripe {@code pi_...})
 * @param reference     Paystack reference / Flutterwave tx_ref / Stripe {@code metadata[payroute_reference]} (else the pi id)
 * @param amount        amount in MINOR units for every provider
 * @param currency      upper-case ISO 4217 code
 * @param status        {@code succeeded | failed | pending | requires_action}
 * @param paymentMethod what was charged, reduced to non-sensitive parts
 * @param metadata      metadata as sent (Paystack metadata, Flutterwave meta, Stripe metadata[])
 * @param createdAt     when the charge was recorded
 */
public record LedgerEntry(String id, String reference, long amount, String currency, String status,
                          PaymentMethod paymentMethod, Map<String, Object> metadata, Instant createdAt) {

    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String PENDING = "pending";
    public static final String REQUIRES_ACTION = "requires_action";

    /** Convenience accessor for the {@code payroute_reference}/{@code payroute_charge_id} style metadata keys. */
    public String metadataValue(String key) {
        Object v = metadata == null ? null : metadata.get(key);
        return v == null ? null : String.valueOf(v);
    }

    /**
     * @param type  {@code token} or {@code card}
     * @param last4 last four characters of the token / digits of the card
     * @param bin   first six card digits (cards only, else null)
     */
    public record PaymentMethod(String type, String last4, String bin) {
        public static PaymentMethod token(String token) {
            return new PaymentMethod("token", token.length() <= 4 ? token : token.substring(token.length() - 4), null);
        }

        public static PaymentMethod card(String number) {
            return new PaymentMethod("card", number.substring(number.length() - 4), number.substring(0, 6));
        }
    }
}

package io.payroute.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * @param refunds       its refunds, oldest first
 */
public record LedgerEntry(String id, String reference, long amount, String currency, String status,
                          PaymentMethod paymentMethod, Map<String, Object> metadata, Instant createdAt,
                          List<RefundEntry> refunds) {

    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String PENDING = "pending";
    public static final String REQUIRES_ACTION = "requires_action";

    public LedgerEntry {
        refunds = refunds == null ? List.of() : List.copyOf(refunds);
    }

    /** A charge without refunds. */
    public LedgerEntry(String id, String reference, long amount, String currency, String status,
                       PaymentMethod paymentMethod, Map<String, Object> metadata, Instant createdAt) {
        this(id, reference, amount, currency, status, paymentMethod, metadata, createdAt, List.of());
    }

    /** What the refunds that have not failed add up to (MINOR units): never more than {@link #amount()}. */
    public long refundedAmount() {
        return refunds.stream().filter(RefundEntry::counts).mapToLong(RefundEntry::amount).sum();
    }

    /** What can still be refunded: the rest of a succeeded charge, nothing of any other. */
    public long refundableAmount() {
        return SUCCEEDED.equals(status) ? amount - refundedAmount() : 0;
    }

    public Optional<RefundEntry> refund(String refundId) {
        return refunds.stream().filter(r -> r.id().equals(refundId)).findFirst();
    }

    LedgerEntry withStatus(String newStatus) {
        return new LedgerEntry(id, reference, amount, currency, newStatus, paymentMethod, metadata, createdAt, refunds);
    }

    /** With {@code refund} appended, or put in the place of the refund with its id. */
    LedgerEntry withRefund(RefundEntry refund) {
        List<RefundEntry> all = new ArrayList<>(refunds);
        all.replaceAll(r -> r.id().equals(refund.id()) ? refund : r);
        if (!all.contains(refund)) {
            all.add(refund);
        }
        return new LedgerEntry(id, reference, amount, currency, status, paymentMethod, metadata, createdAt, all);
    }

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

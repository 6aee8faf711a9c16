package io.payroute.simulator;

import java.time.Instant;
import java.util.Map;

/**
 * One refund of a recorded charge, as the provider's books keep it.
 *
 * @param id        provider refund id (Paystack numeric id, Flutterwave numeric id, Stripe {@code re_...})
 * @param amount    amount in MINOR units for every provider
 * @param status    {@code pending | succeeded | failed}
 * @param details   what the refund request said that the provider keeps and echoes (Stripe reason and metadata,
 *                  Paystack merchant_note and customer_note, Flutterwave comments); never card data
 * @param createdAt when the refund was recorded
 * @param updatedAt when its status last changed
 */
public record RefundEntry(String id, long amount, String status, Map<String, Object> details, Instant createdAt,
                          Instant updatedAt) {

    public RefundEntry {
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }

    /** Whether it takes from what the charge can still be refunded: every refund but a failed one. */
    public boolean counts() {
        return !LedgerEntry.FAILED.equals(status);
    }

    public String detail(String key) {
        Object v = details.get(key);
        return v == null ? null : String.valueOf(v);
    }

    RefundEntry settled(String newStatus, Instant at) {
        return new RefundEntry(id, amount, newStatus, details, createdAt, at);
    }
}

package io.payroute.simulator;

import java.util.Map;

/**
 * A charge request parsed out of a provider's wire format: the one shape the shared engine works on.
 *
 * @param id              provider id to use if the attempt gets recorded
 * @param reference       ledger reference (see {@link LedgerEntry#reference()})
 * @param uniqueReference true when the provider rejects a second charge with the same reference
 * @param token           saved-card token (authorization_code / token / payment_method), or null for raw cards
 * @param card            raw card, or null for tokens; lives only for the request, never stored
 */
record ChargeAttempt(String id, String reference, boolean uniqueReference, long amountMinor, String currency,
                     String token, Card card, String email, Map<String, Object> metadata) {

    LedgerEntry.PaymentMethod paymentMethod() {
        return card != null ? LedgerEntry.PaymentMethod.card(card.number()) : LedgerEntry.PaymentMethod.token(token);
    }

    @Override
    public String toString() {
        // card data must never reach a log line
        return "ChargeAttempt[id=" + id + ", reference=" + reference + ", amount=" + amountMinor + " " + currency + "]";
    }

    /** Raw card data from the request. */
    record Card(String number, String cvc, String expMonth, String expYear) {
        @Override
        public String toString() {
            return "Card[****]";
        }
    }
}

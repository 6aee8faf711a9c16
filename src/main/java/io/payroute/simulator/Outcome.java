package io.payroute.simulator;

/**
 * Canonical result of a charge attempt, before a provider dialect renders it in its own wire format.
 * {@code recordedAs} is the ledger status, or null when the attempt leaves no trace.
 */
enum Outcome {
    SUCCESS(LedgerEntry.SUCCEEDED, null, "Approved"),
    PENDING(LedgerEntry.PENDING, null, "Transaction in progress"),
    REQUIRES_ACTION(LedgerEntry.REQUIRES_ACTION, null, "Authentication required"),
    /** Charged and recorded as succeeded, but the response is sent only after timeout-delay-ms. */
    TIMEOUT(LedgerEntry.SUCCEEDED, null, "Approved"),

    DECLINE_GENERIC(LedgerEntry.FAILED, "generic_decline", "Declined"),
    DECLINE_INSUFFICIENT_FUNDS(LedgerEntry.FAILED, "insufficient_funds", "Insufficient Funds"),
    DECLINE_DO_NOT_HONOR(LedgerEntry.FAILED, "do_not_honor", "Do Not Honor"),
    DECLINE_INCORRECT_PIN(LedgerEntry.FAILED, "incorrect_pin", "Incorrect PIN"),
    DECLINE_EXPIRED_CARD(LedgerEntry.FAILED, "expired_card", "Expired Card"),
    DECLINE_STOLEN_CARD(LedgerEntry.FAILED, "stolen_card", "Stolen Card"),
    DECLINE_INCORRECT_CVC(LedgerEntry.FAILED, "incorrect_cvc", "Invalid CVV"),

    /** 500, nothing recorded. */
    ERROR(null, null, null),
    /** 503, nothing recorded. */
    UNAVAILABLE(null, null, null),
    /** 429, nothing recorded. */
    RATE_LIMITED(null, null, null),
    /** Card number fails the Luhn check: the provider's invalid-card error, nothing recorded. */
    INVALID_CARD(null, null, null);

    final String recordedAs;
    /** Issuer decline reason in Stripe's decline_code vocabulary; null unless a decline. */
    final String declineCode;
    /** Processor text as Paystack (gateway_response) and Flutterwave (processor_response) show it. */
    final String issuerMessage;

    Outcome(String recordedAs, String declineCode, String issuerMessage) {
        this.recordedAs = recordedAs;
        this.declineCode = declineCode;
        this.issuerMessage = issuerMessage;
    }

    boolean isDecline() {
        return declineCode != null;
    }

    boolean isRecorded() {
        return recordedAs != null;
    }
}

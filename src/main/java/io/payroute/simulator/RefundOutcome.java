package io.payroute.simulator;

/**
 * How a refund goes, before a provider dialect renders it. {@code recordedAs} is the status the refund is recorded
 * (and answered) with, or null when the call leaves no trace; {@code settlesAs} the final status a pending refund
 * takes by itself.
 */
enum RefundOutcome {
    /** Final at once: the refund call answers succeeded (Stripe's and Flutterwave's card refunds). */
    SUCCEEDED(LedgerEntry.SUCCEEDED, null, false, null),
    /**
     * Queued by the provider and processed by itself (Paystack): answered pending, succeeded after pending_settle_ms,
     * or right away when that is 0.
     */
    QUEUED(LedgerEntry.PENDING, LedgerEntry.SUCCEEDED, true, null),
    /** {@code refund_pending}: pending until settled through the control API, or after pending_settle_ms when set. */
    PENDING(LedgerEntry.PENDING, LedgerEntry.SUCCEEDED, false, null),
    /**
     * {@code refund_fail}: accepted pending, then failed by itself like a queued refund, as refunds really fail
     * (asynchronously: Paystack's refund.failed, Stripe's charge.refund.updated with status failed).
     */
    FAILING(LedgerEntry.PENDING, LedgerEntry.FAILED, true, null),
    /** error_rate: 503, nothing recorded. */
    UNAVAILABLE(null, null, false, ErrorKind.UNAVAILABLE),
    /** {@code refund_ratelimited}: 429, nothing recorded. */
    RATE_LIMITED(null, null, false, ErrorKind.RATE_LIMITED);

    final String recordedAs;
    final String settlesAs;
    /** Settles by itself even when pending_settle_ms is 0 (then right after the answer). */
    final boolean settlesUnprompted;
    /** The error answered instead, for an outcome that is not recorded. */
    final ErrorKind error;

    RefundOutcome(String recordedAs, String settlesAs, boolean settlesUnprompted, ErrorKind error) {
        this.recordedAs = recordedAs;
        this.settlesAs = settlesAs;
        this.settlesUnprompted = settlesUnprompted;
        this.error = error;
    }

    boolean isRecorded() {
        return recordedAs != null;
    }
}

package io.payroute.simulator;

/**
 * Why the shared engine refused a refund, with what a dialect needs to word it as its provider does. Thrown by the
 * ledger's atomic check; no stack trace: this is control flow, not a bug.
 *
 * @see ProviderDialect#refundRefused(RefundRefused)
 */
final class RefundRefused extends RuntimeException {
    enum Reason {
        /** The charge did not succeed (failed, pending, requires_action): nothing to refund. */
        NOT_SUCCEEDED,
        /** Refunds that have not failed already add up to the charged amount. */
        FULLY_REFUNDED,
        /** The amount asked for is more than what is left to refund. */
        AMOUNT_TOO_LARGE
    }

    final Reason reason;
    final ChargeRecord charge;
    /** What was asked for (MINOR units); null for "all that is left". */
    final Long requested;
    /** What was left to refund (MINOR units). */
    final long refundable;

    RefundRefused(Reason reason, ChargeRecord charge, Long requested, long refundable) {
        super(reason + " (charge " + charge.entry().id() + ")", null, false, false);
        this.reason = reason;
        this.charge = charge;
        this.requested = requested;
        this.refundable = refundable;
    }
}

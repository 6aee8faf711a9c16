package io.payroute.simulator;

/**
 * What a simulator remembers about a recorded charge: the public ledger entry plus the canonical outcome
 * and the saved-card token (tokens are not card data), so verify/retrieve can re-render it.
 *
 * @param refundOutcome how refunds of this charge go when a token marker or test card chose it; null: the
 *                      provider's usual way (and error_rate)
 */
record ChargeRecord(LedgerEntry entry, Outcome outcome, String token, String email, RefundOutcome refundOutcome) {

    /** The charge given its final outcome; refunds and everything else stay. */
    ChargeRecord settled(Outcome settledAs) {
        return new ChargeRecord(entry.withStatus(settledAs.recordedAs), settledAs, token, email, refundOutcome);
    }

    ChargeRecord withRefund(RefundEntry refund) {
        return new ChargeRecord(entry.withRefund(refund), outcome, token, email, refundOutcome);
    }
}

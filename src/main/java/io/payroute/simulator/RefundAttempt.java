package io.payroute.simulator;

import java.util.Map;

/**
 * A refund request parsed out of a provider's wire format: the one shape the shared engine works on.
 *
 * @param id          provider id to use if the refund gets recorded
 * @param charge      the charge to refund, as the dialect found it (the engine re-reads it atomically)
 * @param amountMinor amount in MINOR units, or null for all that is left to refund
 * @param details     see {@link RefundEntry#details()}
 */
record RefundAttempt(String id, ChargeRecord charge, Long amountMinor, Map<String, Object> details) {
}

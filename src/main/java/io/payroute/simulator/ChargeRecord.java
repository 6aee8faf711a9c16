package io.payroute.simulator;

/**
 * What a simulator remembers about a recorded charge: the public ledger entry plus the canonical outcome
 * and the saved-card token (tokens are not card data), so verify/retrieve can re-render it.
 */
record ChargeRecord(LedgerEntry entry, Outcome outcome, String token, String email) {
}

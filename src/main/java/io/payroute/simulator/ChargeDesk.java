package io.payroute.simulator;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** What the shared engine offers a provider dialect: the common charge and refund flows and ledger look-ups. */
interface ChargeDesk {

    /**
     * Runs the common charge flow (duplicate check, outcome choice, ledger, timeout delay) and renders
     * the result through the dialect.
     */
    SimResponse charge(ChargeAttempt attempt);

    Optional<ChargeRecord> byId(String id);

    Optional<ChargeRecord> byReference(String reference);

    List<ChargeRecord> find(Predicate<ChargeRecord> filter);

    /**
     * Runs the common refund flow (outcome choice, the atomic "succeeded charge, never more than charged" check and
     * record, auto-settling, webhooks) and renders the result through the dialect.
     */
    SimResponse refund(RefundAttempt attempt);

    Optional<RefundRecord> refundById(String id);
}

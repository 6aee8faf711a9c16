package io.payroute.simulator;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** What the shared engine offers a provider dialect: the common charge flow and ledger look-ups. */
interface ChargeDesk {

    /**
     * Runs the common charge flow (duplicate check, outcome choice, ledger, timeout delay) and renders
     * the result through the dialect.
     */
    SimResponse charge(ChargeAttempt attempt);

    Optional<ChargeRecord> byId(String id);

    Optional<ChargeRecord> byReference(String reference);

    List<ChargeRecord> find(Predicate<ChargeRecord> filter);
}

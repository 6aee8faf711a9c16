package io.payroute.state;

import java.util.EnumSet;
import java.util.Map;

import io.payroute.charge.ChargeStatus;

/**
 * The charge's transitions (see {@link StateMachine}).
 *
 * <pre>
 *   pending ──► requires_action ──► succeeded
 *      │  ▲            │
 *      │  └────────────┤
 *      ├──────────────►┴──► failed
 *      └──────────────────► succeeded
 * </pre>
 */
public final class ChargeStateMachine {

    private static final StateMachine<ChargeStatus> MACHINE = StateMachine.of("charge", ChargeStatus.class, Map.of(
            ChargeStatus.PENDING, EnumSet.of(ChargeStatus.REQUIRES_ACTION, ChargeStatus.SUCCEEDED, ChargeStatus.FAILED),
            ChargeStatus.REQUIRES_ACTION, EnumSet.of(ChargeStatus.PENDING, ChargeStatus.SUCCEEDED, ChargeStatus.FAILED)));

    private ChargeStateMachine() {
    }

    public static boolean allows(ChargeStatus from, ChargeStatus to) {
        return MACHINE.allows(from, to);
    }

    /** Rejects (and logs) an illegal transition. */
    public static void check(String chargeId, ChargeStatus from, ChargeStatus to) {
        MACHINE.check(chargeId, from, to);
    }
}

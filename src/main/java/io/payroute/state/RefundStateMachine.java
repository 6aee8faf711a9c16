package io.payroute.state;

import java.util.EnumSet;
import java.util.Map;

import io.payroute.refund.RefundStatus;

/**
 * The refund's transitions (see {@link StateMachine}): a refund is created pending (its amount reserved on the
 * charge) and ends succeeded, or failed (the reservation released). A final refund never moves again.
 *
 * <pre>
 *   pending ──► succeeded
 *      └──────► failed
 * </pre>
 */
public final class RefundStateMachine {

    private static final StateMachine<RefundStatus> MACHINE = StateMachine.of("refund", RefundStatus.class, Map.of(
            RefundStatus.PENDING, EnumSet.of(RefundStatus.SUCCEEDED, RefundStatus.FAILED)));

    private RefundStateMachine() {
    }

    public static boolean allows(RefundStatus from, RefundStatus to) {
        return MACHINE.allows(from, to);
    }

    public static void check(String refundId, RefundStatus from, RefundStatus to) {
        MACHINE.check(refundId, from, to);
    }
}

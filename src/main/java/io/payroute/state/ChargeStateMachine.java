package io.payroute.state;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import io.payroute.charge.ChargeStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that says which charge status may follow which. Repositories apply a change only through
 * {@link #check}, and only with a conditional update on the status they read, so two instances racing on
 * one charge cannot both apply a transition.
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

    private static final Logger log = LoggerFactory.getLogger(ChargeStateMachine.class);
    private static final Map<ChargeStatus, Set<ChargeStatus>> ALLOWED = new EnumMap<>(ChargeStatus.class);

    static {
        ALLOWED.put(ChargeStatus.PENDING, EnumSet.of(ChargeStatus.REQUIRES_ACTION, ChargeStatus.SUCCEEDED, ChargeStatus.FAILED));
        ALLOWED.put(ChargeStatus.REQUIRES_ACTION, EnumSet.of(ChargeStatus.PENDING, ChargeStatus.SUCCEEDED, ChargeStatus.FAILED));
        ALLOWED.put(ChargeStatus.SUCCEEDED, EnumSet.noneOf(ChargeStatus.class));
        ALLOWED.put(ChargeStatus.FAILED, EnumSet.noneOf(ChargeStatus.class));
    }

    private ChargeStateMachine() {
    }

    public static boolean allows(ChargeStatus from, ChargeStatus to) {
        return ALLOWED.get(from).contains(to);
    }

    /** Rejects (and logs) an illegal transition; a no-op "transition" to the same status is not a change. */
    public static void check(String chargeId, ChargeStatus from, ChargeStatus to) {
        if (!allows(from, to)) {
            log.warn("illegal charge transition rejected: charge={} {} -> {}", chargeId, from.wire(), to.wire());
            throw new IllegalTransitionException(chargeId, from, to);
        }
    }

    public static final class IllegalTransitionException extends IllegalStateException {
        public IllegalTransitionException(String chargeId, ChargeStatus from, ChargeStatus to) {
            super("charge " + chargeId + " cannot move from " + from.wire() + " to " + to.wire());
        }
    }
}

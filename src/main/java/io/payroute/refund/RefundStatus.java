package io.payroute.refund;

import java.util.Locale;

/** The merchant-visible state of a refund. Transitions: {@link io.payroute.state.RefundStateMachine}. */
public enum RefundStatus {
    PENDING, SUCCEEDED, FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RefundStatus fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    public boolean isFinal() {
        return this != PENDING;
    }

    @Override
    public String toString() {
        return wire();
    }
}

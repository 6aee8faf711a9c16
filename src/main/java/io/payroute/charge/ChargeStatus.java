package io.payroute.charge;

import java.util.Locale;

/** The merchant-visible state of a charge. Transitions are governed by {@link io.payroute.state.ChargeStateMachine}. */
public enum ChargeStatus {
    PENDING, REQUIRES_ACTION, SUCCEEDED, FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ChargeStatus fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED;
    }
}

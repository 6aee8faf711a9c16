package io.payroute.simulator;

import java.util.Locale;

/** Runtime mode of one provider simulator, switched at runtime for outage drills. */
public enum Mode {
    /** Serve requests according to the configured behaviour. */
    NORMAL,
    /** Listener closed: clients get "connection refused". Reopened on the same port when leaving this mode. */
    REFUSE,
    /** Every call is answered 503 in the provider's error envelope; nothing is recorded. */
    UNAVAILABLE,
    /** Connections are accepted but never answered until the mode changes (then they get a 503). */
    HANG;

    /** Wire name used by the control API ("normal", "refuse", ...). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name, case-insensitively. */
    public static Mode fromWire(String value) {
        if (value != null) {
            for (Mode m : values()) {
                if (m.wireName().equalsIgnoreCase(value.trim())) {
                    return m;
                }
            }
        }
        throw new IllegalArgumentException("mode must be one of normal, refuse, unavailable, hang");
    }
}

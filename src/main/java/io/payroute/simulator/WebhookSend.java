package io.payroute.simulator;

import java.util.Locale;

/** Which charge outcomes a provider simulator announces by webhook. */
public enum WebhookSend {
    /** Only outcomes that become known after the charge call answered (a pending / requires_action charge settled). */
    ASYNC,
    /** Those, and every charge the charge endpoint itself records as succeeded or failed, as real providers do. */
    ALL,
    /** No webhooks at all. */
    NONE;

    /** Wire name used by the control API and the settings ("async", "all", "none"). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name, case-insensitively. */
    public static WebhookSend fromWire(String value) {
        for (WebhookSend s : values()) {
            if (value != null && s.wireName().equalsIgnoreCase(value.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("send must be one of async, all, none");
    }

    /** Whether an outcome becoming known {@code afterAnswer} (or in the charge call's own answer) is announced. */
    boolean covers(boolean afterAnswer) {
        return this == ALL || (this == ASYNC && afterAnswer);
    }
}

package io.payroute.simulator;

/**
 * The statistical behaviour of one provider simulator; changeable at runtime.
 *
 * @param latencyMs       base delay before every response
 * @param latencyJitterMs uniform extra delay 0..jitter added to the base
 * @param declineRate     probability (0..1) that an unmarked charge is declined (recorded as failed)
 * @param errorRate       probability (0..1) that an unmarked charge or refund gets a 503 (nothing recorded)
 * @param timeoutDelayMs  how late the response to a {@code timeout}-marked charge is sent
 * @param pendingSettleMs after how long a charge recorded {@code pending} settles by itself (succeeded, or failed
 *                        with probability {@code declineRate}), as a provider later would; 0 = never (settle it
 *                        through the control API). A pending refund settles after it too; one the provider processes
 *                        by itself (Paystack's queue, {@code refund_fail}) also when it is 0, right away
 */
public record Behaviour(long latencyMs, long latencyJitterMs, double declineRate, double errorRate, long timeoutDelayMs,
                        long pendingSettleMs) {

    public static final long DEFAULT_TIMEOUT_DELAY_MS = 30_000;

    public Behaviour {
        requireNonNegative("latency_ms", latencyMs);
        requireNonNegative("latency_jitter_ms", latencyJitterMs);
        requireNonNegative("timeout_delay_ms", timeoutDelayMs);
        requireNonNegative("pending_settle_ms", pendingSettleMs);
        requireRate("decline_rate", declineRate);
        requireRate("error_rate", errorRate);
    }

    /** Pending charges wait to be settled through the control API. */
    public Behaviour(long latencyMs, long latencyJitterMs, double declineRate, double errorRate, long timeoutDelayMs) {
        this(latencyMs, latencyJitterMs, declineRate, errorRate, timeoutDelayMs, 0);
    }

    /** No latency, no random declines or errors, 30 s timeout delay, no auto-settle. */
    public static Behaviour defaults() {
        return new Behaviour(0, 0, 0.0, 0.0, DEFAULT_TIMEOUT_DELAY_MS, 0);
    }

    public Behaviour withLatency(long latencyMs, long jitterMs) {
        return new Behaviour(latencyMs, jitterMs, declineRate, errorRate, timeoutDelayMs, pendingSettleMs);
    }

    public Behaviour withRates(double declineRate, double errorRate) {
        return new Behaviour(latencyMs, latencyJitterMs, declineRate, errorRate, timeoutDelayMs, pendingSettleMs);
    }

    public Behaviour withTimeoutDelayMs(long timeoutDelayMs) {
        return new Behaviour(latencyMs, latencyJitterMs, declineRate, errorRate, timeoutDelayMs, pendingSettleMs);
    }

    public Behaviour withPendingSettleMs(long pendingSettleMs) {
        return new Behaviour(latencyMs, latencyJitterMs, declineRate, errorRate, timeoutDelayMs, pendingSettleMs);
    }

    private static void requireNonNegative(String field, long value) {
        if (value < 0) {
            throw new InvalidSettingException(field, field + " must be >= 0");
        }
    }

    private static void requireRate(String field, double value) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new InvalidSettingException(field, field + " must be between 0 and 1");
        }
    }

    /** A setting value out of range; names the offending field (control API reports it as a 400 problem). */
    public static final class InvalidSettingException extends IllegalArgumentException {
        private final String field;

        public InvalidSettingException(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}

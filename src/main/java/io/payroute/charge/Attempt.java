package io.payroute.charge;

import java.time.Instant;

/** One provider call for a charge, in the order made. The result is null while the call is in flight. */
public final class Attempt {

    private final int seq;
    private final String provider;
    private final String reference;
    private final Instant startedAt;
    private final long startedNanos;
    private AttemptResult result;
    private AttemptResult resolvedFrom;
    private int latencyMs;
    private Instant resentAt;

    public Attempt(int seq, String provider, String reference, Instant startedAt) {
        this.seq = seq;
        this.provider = provider;
        this.reference = reference;
        this.startedAt = startedAt;
        this.startedNanos = System.nanoTime();
    }

    /** An attempt of an earlier round, as stored. */
    public static Attempt stored(ChargeRepository.StoredAttempt a) {
        Attempt attempt = new Attempt(a.seq(), a.provider(), a.attemptReference(), a.startedAt());
        attempt.resentAt = a.resentAt();
        if (a.outcome() != null) {
            attempt.result = new AttemptResult(Outcome.valueOf(a.outcome()),
                    a.status() == null ? null : ChargeStatus.fromWire(a.status()), a.providerReference(), a.code(),
                    a.category(), a.message(), a.httpStatus(), null, null);
            attempt.latencyMs = a.latencyMs() == null ? 0 : a.latencyMs();
        }
        return attempt;
    }

    /**
     * This attempt, unanswered because the instance making it stopped mid-call, sent again as it was (taken over at
     * {@code resentAt}): the same provider and reference, so the provider's duplicate check keeps a first request
     * that did arrive from being charged twice. Its latency counts from now.
     */
    public Attempt resent(Instant resentAt) {
        Attempt again = new Attempt(seq, provider, reference, startedAt);
        again.resentAt = resentAt;
        return again;
    }

    public int seq() { return seq; }
    public String provider() { return provider; }
    /** The reference PayRoute sent to the provider: unique per attempt, so a provider never sees a reuse. */
    public String reference() { return reference; }
    public Instant startedAt() { return startedAt; }
    public AttemptResult result() { return result; }
    public int latencyMs() { return latencyMs; }
    /** When this attempt was sent again after an interruption, else null. */
    public Instant resentAt() { return resentAt; }
    /** The call's own result when a status query later resolved it, else null. */
    public AttemptResult resolvedFrom() { return resolvedFrom; }

    public void complete(AttemptResult result) {
        this.result = result;
        this.latencyMs = (int) ((System.nanoTime() - startedNanos) / 1_000_000);
    }

    /** A status query refined the outcome of this attempt (e.g. UNKNOWN after a timeout, then SUCCESS). */
    public void resolve(AttemptResult resolved) {
        this.resolvedFrom = result;
        this.result = resolved;
    }
}

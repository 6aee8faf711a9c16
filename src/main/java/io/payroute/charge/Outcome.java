package io.payroute.charge;

/**
 * What one provider call did, after Kill Bill's five outcomes. The distinction between NOT_CHARGED and
 * UNKNOWN is what keeps failover from double charging: only NOT_CHARGED is provably safe to retry elsewhere.
 */
public enum Outcome {
    /** The provider took the money. */
    SUCCESS,
    /** Accepted, outcome later (processing, or customer action such as 3-D Secure). */
    PENDING,
    /** A payment decline: final, never retried elsewhere. */
    DECLINED,
    /** Provably not charged (connection refused, 503/429 before processing, circuit open): safe to fail over. */
    NOT_CHARGED,
    /** Sent, but no trustworthy answer (timeout, 5xx after sending): never fail over blindly; ask the provider. */
    UNKNOWN
}

package io.payroute.charge;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.payroute.routing.RoutingDecision;

/**
 * Everything one charge request accumulates on its way through the routes (exchange property {@code charge}).
 * The database holds the truth; this is the in-flight working copy of one exchange.
 */
public final class ChargeContext {

    public static final String PROPERTY = "charge";

    private final ChargeRequest request;
    private final String id;
    private final Instant createdAt;
    private final List<Attempt> attempts = new ArrayList<>();
    private RoutingDecision routing;
    private ChargeRepository.StoredCharge stored;

    public ChargeContext(ChargeRequest request, String id, Instant createdAt) {
        this.request = request;
        this.id = id;
        this.createdAt = createdAt;
    }

    public ChargeRequest request() { return request; }
    public String id() { return id; }
    public Instant createdAt() { return createdAt; }
    public List<Attempt> attempts() { return Collections.unmodifiableList(attempts); }
    public RoutingDecision routing() { return routing; }
    public void routing(RoutingDecision routing) { this.routing = routing; }
    /** The charge row as last written by this exchange, so the response needs no read back. */
    public ChargeRepository.StoredCharge stored() { return stored; }
    public void stored(ChargeRepository.StoredCharge stored) { this.stored = stored; }

    public Attempt startAttempt(String provider, Instant now) {
        int seq = attempts.size() + 1;
        Attempt attempt = new Attempt(seq, provider, Ids.attemptReference(id, seq), now);
        attempts.add(attempt);
        return attempt;
    }

    public Attempt currentAttempt() {
        return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    }
}

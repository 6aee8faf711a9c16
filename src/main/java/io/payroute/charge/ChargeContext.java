package io.payroute.charge;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payroute.routing.RoutingDecision;

/**
 * Everything one charge request accumulates on its way through the routes (exchange property {@code charge}).
 * The database holds the truth; this is the in-flight working copy of one exchange.
 * <p>
 * A charge is routed in rounds. A synchronous REST charge has one round. An asynchronous one (queue intake,
 * {@code Prefer: respond-async}) gets another round later, scheduled through the broker, when every provider was
 * unavailable; for that it keeps the request as received ({@link #body}) to hand on, sealed, to the next round.
 */
public final class ChargeContext {

    public static final String PROPERTY = "charge";

    /** Where a result goes when the charge's processing ends: a JMS destination and the correlation id to answer with. */
    public record ReplyTo(String destination, String correlationId) {
    }

    private final ChargeRequest request;
    private final String id;
    private final Instant createdAt;
    private final List<Attempt> attempts = new ArrayList<>();
    private RoutingDecision routing;
    private ChargeRepository.StoredCharge stored;
    private ObjectNode rendered;
    private byte[] body;
    private ReplyTo replyTo;
    private int round = 1;
    private int roundStart;
    private boolean nextRoundScheduled;
    /** When this round took over the last attempt to send it again; null once sent, or when there is none. */
    private Instant resendTakenAt;

    public ChargeContext(ChargeRequest request, String id, Instant createdAt) {
        this.request = request;
        this.id = id;
        this.createdAt = createdAt;
    }

    /** A charge taken up again for round {@code round}, with the attempts of its earlier rounds. */
    public static ChargeContext resumed(ChargeRequest request, ChargeRepository.StoredCharge stored,
                                        List<Attempt> earlier, int round) {
        ChargeContext charge = new ChargeContext(request, stored.id(), stored.createdAt());
        charge.stored = stored;
        charge.attempts.addAll(earlier);
        charge.round = round;
        charge.roundStart = earlier.size();
        return charge;
    }

    public ChargeRequest request() { return request; }
    public String id() { return id; }
    public Instant createdAt() { return createdAt; }
    public List<Attempt> attempts() { return Collections.unmodifiableList(attempts); }
    /** The attempts of the round in progress: a new round may ask again a provider that was down before. */
    public List<Attempt> roundAttempts() { return attempts().subList(roundStart, attempts.size()); }
    public RoutingDecision routing() { return routing; }
    public void routing(RoutingDecision routing) { this.routing = routing; }
    /** The charge row as last written by this exchange, so the response needs no read back. */
    public ChargeRepository.StoredCharge stored() { return stored; }
    public void stored(ChargeRepository.StoredCharge stored) { stored(stored, null); }
    /** The stored row and, when its event already rendered it, that rendering (so the answer renders nothing twice). */
    public void stored(ChargeRepository.StoredCharge stored, ObjectNode rendered) {
        this.stored = stored;
        this.rendered = rendered;
    }
    /** The canonical charge as rendered for {@link #stored()}'s event, or null. */
    public ObjectNode rendered() { return rendered; }

    /** The request body as received, kept only for asynchronous charges (null: no later round). */
    public byte[] body() { return body; }
    public void processAsync(byte[] body, ReplyTo replyTo) {
        this.body = body;
        this.replyTo = replyTo;
    }
    public boolean isAsync() { return body != null; }
    public ReplyTo replyTo() { return replyTo; }
    public int round() { return round; }
    public boolean nextRoundScheduled() { return nextRoundScheduled; }
    public void nextRoundScheduled(boolean scheduled) { this.nextRoundScheduled = scheduled; }

    /**
     * Makes this round send the last attempt again as it was, before anything else: the instance making it stopped
     * mid-call, and this round took it over at {@code resentAt} (ChargeWork). It belongs to this round, so its
     * answer decides the round like any attempt's.
     */
    public void resendInterrupted(Instant resentAt) {
        resendTakenAt = resentAt;
        roundStart = attempts.size() - 1;
    }

    /** The interrupted attempt this round has yet to send again, else null. */
    public Attempt toResend() { return resendTakenAt == null ? null : currentAttempt(); }

    /** The interrupted attempt, being sent again now (same seq, provider and reference). */
    public Attempt restartInterrupted() {
        Attempt again = currentAttempt().resent(resendTakenAt);
        attempts.set(attempts.size() - 1, again);
        resendTakenAt = null;
        return again;
    }

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

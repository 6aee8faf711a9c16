package io.payroute.idempotency;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.payroute.api.ChargeFlow;
import io.payroute.api.ProblemException;
import io.payroute.charge.ChargeJson;
import io.payroute.charge.ChargeRepository;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Stripe-grade idempotency behind Camel's idempotent consumer EIP (routes/charges.yaml).
 * <p>
 * {@link #add} inserts the key; the table's primary key decides which of several concurrent requests, on any
 * number of instances, owns it. The owner stores its response with {@link #saveResponse}; everyone else gets
 * {@link #replay}: the stored response, 422 when the body differs, 409 while the owner is still working.
 * A key is released on failure only if no charge was created under it, so a retry can never create a second
 * charge for a request that may already have reached a provider.
 */
@Component("idempotencyRepository")
public class JdbcIdempotencyRepository extends ServiceSupport implements IdempotentRepository {

    /** Exchange properties set by the API edge (ChargeFlow). */
    public static final String KEY = "idempotencyKey";
    public static final String SCOPE = "idempotencyScope";
    public static final String FINGERPRINT = "requestFingerprint";
    /** Set on the exchange that inserted the key: only the owner may bind, complete or release it. */
    private static final String OWNER = "idempotencyOwner";
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private static final Logger log = LoggerFactory.getLogger(JdbcIdempotencyRepository.class);

    private final JdbcTemplate jdbc;
    private final ChargeRepository charges;
    private final ChargeJson chargeJson;
    private final Clock clock;
    private final Duration retention;
    private final Duration lease;

    public JdbcIdempotencyRepository(JdbcTemplate jdbc, ChargeRepository charges, ChargeJson chargeJson, Clock clock,
                                     @Value("${payroute.idempotency.retention}") Duration retention,
                                     @Value("${payroute.idempotency.in-flight-lease}") Duration lease) {
        this.jdbc = jdbc;
        this.charges = charges;
        this.chargeJson = chargeJson;
        this.clock = clock;
        this.retention = retention;
        this.lease = lease;
    }

    private record Scope(String merchant, String key) {
        static Scope of(Exchange exchange) {
            String scope = exchange.getProperty(SCOPE, String.class);
            return new Scope(scope.substring(0, scope.indexOf(':')), exchange.getProperty(KEY, String.class));
        }
    }

    @Override
    public boolean add(Exchange exchange, String ignoredScope) {
        Scope s = Scope.of(exchange);
        Instant now = clock.instant();
        if (!insert(s, exchange.getProperty(FINGERPRINT, String.class), now)) {
            // an expired key may be reused: delete it only if it is still expired, then race for it again
            int purged = jdbc.update("DELETE FROM idempotency_keys WHERE merchant_id = ? AND idempotency_key = ? AND expires_at < ?",
                    s.merchant(), s.key(), Timestamp.from(now));
            if (purged == 0 || !insert(s, exchange.getProperty(FINGERPRINT, String.class), now)) {
                return false;
            }
        }
        exchange.setProperty(OWNER, Boolean.TRUE);
        return true;
    }

    private boolean insert(Scope s, String fingerprint, Instant now) {
        try {
            jdbc.update("""
                    INSERT INTO idempotency_keys (merchant_id, idempotency_key, request_hash, locked_at, expires_at)
                    VALUES (?, ?, ?, ?, ?)""",
                    s.merchant(), s.key(), fingerprint, Timestamp.from(now), Timestamp.from(now.plus(retention)));
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    /** Ties the key to the charge it created; runs inside the transaction that inserts the charge. */
    public void bindCharge(Exchange exchange, String chargeId) {
        if (isOwner(exchange)) {
            Scope s = Scope.of(exchange);
            jdbc.update("UPDATE idempotency_keys SET charge_id = ? WHERE merchant_id = ? AND idempotency_key = ?",
                    chargeId, s.merchant(), s.key());
        }
    }

    /** Stores the owner's response for replay. */
    public void saveResponse(Exchange exchange) {
        if (!isOwner(exchange)) {
            return;
        }
        Scope s = Scope.of(exchange);
        Message m = exchange.getMessage();
        jdbc.update("""
                UPDATE idempotency_keys SET response_status = ?, response_body = ?, completed_at = ?
                WHERE merchant_id = ? AND idempotency_key = ?""",
                m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class), m.getBody(String.class),
                Timestamp.from(clock.instant()), s.merchant(), s.key());
    }

    /** Answers a request whose key is already taken. */
    public void replay(Exchange exchange) {
        Scope s = Scope.of(exchange);
        StoredKey row = find(exchange, s)
                // the owner failed before creating anything and released the key in between: ask for a retry
                .orElseThrow(JdbcIdempotencyRepository::inUse);
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setHeader(REPLAYED_HEADER, "true");
        out.setHeader(ChargeFlow.REQUEST_ID_HEADER, exchange.getProperty(ChargeFlow.REQUEST_ID));
        if (row.chargeId() != null) {
            out.setHeader("Location", "/v1/charges/" + row.chargeId());
        }
        if (row.responseStatus() != null) {
            out.setHeader(Exchange.HTTP_RESPONSE_CODE, row.responseStatus());
            out.setBody(row.responseBody());
            return;
        }
        String chargeId = row.chargeId();
        if (chargeId == null || !leaseExpired(row)) {
            releaseIfAbandoned(s, row);
            throw inUse();
        }
        // the owner died after creating the charge and its round could not be taken over (ChargeFlow.resumeAbandoned):
        // report the charge as it stands (reconciliation finishes it)
        log.warn("idempotency key of charge {} held past its lease; answering with the stored charge", chargeId);
        ChargeRepository.StoredCharge charge = charges.findCharge(s.merchant(), chargeId).orElseThrow(JdbcIdempotencyRepository::inUse);
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        out.setBody(chargeJson.render(charge, charges.findAttempts(chargeId)).toString());
    }

    /**
     * The charge of a key whose first request died after creating it: bound to a charge, no response stored, the
     * in-flight lease run out. Empty otherwise (and then {@link #replay} answers).
     */
    public Optional<String> abandonedCharge(Exchange exchange) {
        return find(exchange, Scope.of(exchange))
                .filter(row -> row.chargeId() != null && row.responseStatus() == null && leaseExpired(row))
                .map(StoredKey::chargeId);
    }

    /**
     * Makes this exchange the key's owner, once it has taken over the round its dead first request left (so its
     * response is the one stored for replay), and restarts the key's in-flight lease.
     */
    public void takeOver(Exchange exchange) {
        Scope s = Scope.of(exchange);
        jdbc.update("""
                UPDATE idempotency_keys SET locked_at = ?
                WHERE merchant_id = ? AND idempotency_key = ? AND response_status IS NULL""",
                Timestamp.from(clock.instant()), s.merchant(), s.key());
        exchange.setProperty(OWNER, Boolean.TRUE);
    }

    /**
     * For a duplicate that is answered with the charge's current state rather than the stored response (queue
     * intake): the charge the key's first request created, empty while it has not created one.
     */
    public Optional<String> chargeOf(Exchange exchange) {
        Scope s = Scope.of(exchange);
        Optional<StoredKey> row = find(exchange, s);
        row.filter(r -> r.chargeId() == null).ifPresent(r -> releaseIfAbandoned(s, r));
        return row.map(StoredKey::chargeId);
    }

    /**
     * When the in-flight lease of the key's first request runs out (after that, a request that has not created its
     * charge counts as crashed, and its key is freed); empty when the key is not held.
     */
    public Optional<Instant> inFlightUntil(Exchange exchange) {
        Scope s = Scope.of(exchange);
        return find(exchange, s).map(row -> row.lockedAt().plus(lease));
    }

    /** The key's row; 422 when it was taken by a different request. */
    private Optional<StoredKey> find(Exchange exchange, Scope s) {
        Optional<StoredKey> row = jdbc.query(
                "SELECT request_hash, charge_id, response_status, response_body, locked_at FROM idempotency_keys WHERE merchant_id = ? AND idempotency_key = ?",
                (rs, i) -> new StoredKey(rs.getString("request_hash"), rs.getString("charge_id"),
                        (Integer) rs.getObject("response_status"), rs.getString("response_body"),
                        rs.getTimestamp("locked_at").toInstant()),
                s.merchant(), s.key()).stream().findFirst();
        if (row.isPresent() && !exchange.getProperty(FINGERPRINT, String.class).equals(row.get().requestHash())) {
            throw new ProblemException(422, "idempotency_key_reused", "Idempotency key reused",
                    "This Idempotency-Key was already used with a different request body",
                    List.of(new ProblemException.FieldError("Idempotency-Key", "already used with different parameters")));
        }
        return row;
    }

    private boolean leaseExpired(StoredKey row) {
        return !row.lockedAt().plus(lease).isAfter(clock.instant());
    }

    /** The owner died before creating anything: free the key (only if still in that state) for the retry. */
    private void releaseIfAbandoned(Scope s, StoredKey row) {
        if (row.chargeId() == null && row.responseStatus() == null && leaseExpired(row)) {
            jdbc.update("""
                    DELETE FROM idempotency_keys WHERE merchant_id = ? AND idempotency_key = ? AND charge_id IS NULL
                    AND completed_at IS NULL AND locked_at = ?""",
                    s.merchant(), s.key(), Timestamp.from(row.lockedAt()));
            log.warn("idempotency key held past its lease with no charge; released for the next retry");
        }
    }

    private record StoredKey(String requestHash, String chargeId, Integer responseStatus, String responseBody,
                             Instant lockedAt) {
    }

    public static ProblemException inUse() {
        return new ProblemException(409, "idempotency_key_in_use", "Idempotency key in use",
                "Another request with this Idempotency-Key is still being processed; retry shortly",
                List.of(new ProblemException.FieldError("Idempotency-Key", "a request with this key is in flight")));
    }

    private static boolean isOwner(Exchange exchange) {
        return Boolean.TRUE.equals(exchange.getProperty(OWNER, Boolean.class));
    }

    @Override
    public boolean remove(Exchange exchange, String ignoredScope) {
        if (!isOwner(exchange)) {
            // a duplicate that failed (409/422) must never release the owner's key
            return false;
        }
        Scope s = Scope.of(exchange);
        return jdbc.update("DELETE FROM idempotency_keys WHERE merchant_id = ? AND idempotency_key = ? AND charge_id IS NULL AND completed_at IS NULL",
                s.merchant(), s.key()) == 1;
    }

    @Override
    public boolean contains(Exchange exchange, String ignoredScope) {
        Scope s = Scope.of(exchange);
        return jdbc.queryForObject("SELECT COUNT(*) FROM idempotency_keys WHERE merchant_id = ? AND idempotency_key = ?",
                Integer.class, s.merchant(), s.key()) > 0;
    }

    @Override
    public boolean confirm(Exchange exchange, String ignoredScope) {
        return true;
    }

    // The exchange-less variants are never called by the idempotent consumer; keys need their exchange's scope.
    @Override
    public boolean add(String key) {
        throw new UnsupportedOperationException("idempotency keys are added with their exchange");
    }

    @Override
    public boolean contains(String key) {
        throw new UnsupportedOperationException("idempotency keys are looked up with their exchange");
    }

    @Override
    public boolean remove(String key) {
        throw new UnsupportedOperationException("idempotency keys are released with their exchange");
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        purgeExpired();
    }

    /** Keys outlive their retention only until this runs; any instance may run it, deletes are idempotent. */
    @Scheduled(fixedDelayString = "${payroute.idempotency.purge-interval:PT1H}")
    public void purgeExpired() {
        int purged = jdbc.update("DELETE FROM idempotency_keys WHERE expires_at < ?", Timestamp.from(clock.instant()));
        if (purged > 0) {
            log.info("purged {} expired idempotency keys", purged);
        }
    }
}

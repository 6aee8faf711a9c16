package io.payroute.webhook.outbound;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.payroute.secrets.Sealer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Endpoint signing secrets: generated here ({@code whsec_} + 256 random bits), shown to the merchant once, kept
 * sealed under the master key and bound to their endpoint (a sealed secret copied to another row does not open).
 */
@Component
public class EndpointSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Sealer sealer;
    private final JdbcTemplate jdbc;

    public EndpointSecrets(Sealer sealer, JdbcTemplate jdbc) {
        this.sealer = sealer;
        this.jdbc = jdbc;
    }

    public String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public String seal(String endpointId, String secret) {
        return sealer.seal(secret.getBytes(StandardCharsets.UTF_8), endpointId);
    }

    /** Re-seals every endpoint secret under the current master key (after a rotation); returns how many. */
    public int reseal() {
        int n = 0;
        for (Map<String, Object> row : jdbc.queryForList("SELECT id, secret, previous_secret FROM webhook_endpoints")) {
            String id = (String) row.get("id");
            for (String column : new String[] {"secret", "previous_secret"}) {
                String sealed = (String) row.get(column);
                if (sealed != null && !sealer.isCurrent(sealed)) {
                    n += jdbc.update("UPDATE webhook_endpoints SET " + column + " = ? WHERE id = ? AND " + column + " = ?",
                            sealer.seal(sealer.open(sealed, id), id), id, sealed);
                }
            }
        }
        return n;
    }

    /** The keys that sign a delivery now: the current secret, and the previous one while its rotation overlap lasts. */
    public List<byte[]> signingKeys(WebhookEndpoint endpoint, Instant now) {
        List<byte[]> keys = new ArrayList<>(2);
        keys.add(sealer.open(endpoint.sealedSecret(), endpoint.id()));
        if (endpoint.sealedPreviousSecret() != null && endpoint.previousSecretExpiresAt() != null
                && now.isBefore(endpoint.previousSecretExpiresAt())) {
            keys.add(sealer.open(endpoint.sealedPreviousSecret(), endpoint.id()));
        }
        return keys;
    }
}

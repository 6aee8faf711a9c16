package io.payroute.merchant;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payroute.api.ProblemException;
import io.payroute.api.ProblemException.FieldError;
import io.payroute.provider.ProviderProperties;
import io.payroute.secrets.Sealer;
import io.payroute.api.RequestFields;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A merchant's own credentials at each provider ({@code provider_accounts}): sealed with AES-GCM under the
 * master key and bound to merchant and provider, opened only to sign a provider call. Never returned, never
 * logged. A provider call uses the merchant's account when it has one, else the platform's
 * ({@code payroute.providers.<name>.secret-key}). Opened values are cached briefly ({@link #CACHE}): a changed
 * credential reaches every instance within that time.
 */
@Component
public class ProviderAccounts {

    /** The fields an account may hold. */
    public static final List<String> FIELDS = List.of("secret_key", "webhook_secret");
    static final Duration CACHE = Duration.ofSeconds(30);

    private record Cached(Map<String, String> credentials, Instant until) {
    }

    private final JdbcTemplate jdbc;
    private final Sealer sealer;
    private final ProviderProperties providers;
    private final ObjectMapper json;
    private final Clock clock;
    private final ConcurrentMap<String, Cached> cache = new ConcurrentHashMap<>();

    public ProviderAccounts(JdbcTemplate jdbc, Sealer sealer, ProviderProperties providers, ObjectMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.sealer = sealer;
        this.providers = providers;
        this.json = json;
        this.clock = clock;
    }

    /** The credentials in an admin request, checked: 404 for an unknown provider, 400 naming a bad field. */
    public Map<String, String> validate(String provider, ObjectNode body) {
        if (provider == null || !providers.getProviders().containsKey(provider)) {
            throw ProblemException.notFound("provider " + String.valueOf(provider).replaceAll("[^\\w-]", ""));
        }
        List<FieldError> errors = new ArrayList<>();
        Map<String, String> credentials = new LinkedHashMap<>();
        RequestFields.rejectUnknown(body, FIELDS, errors);
        for (String field : FIELDS) {
            JsonNode value = body.get(field);
            if (value == null) {
                continue;
            }
            if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > 500
                    || !value.asText().matches("^[\\x21-\\x7e]+$")) {
                errors.add(new FieldError(field, "must be 1-500 printable characters without spaces"));
            } else {
                credentials.put(field, value.asText());
            }
        }
        if (!credentials.containsKey("secret_key") && errors.stream().noneMatch(e -> e.field().equals("secret_key"))) {
            errors.add(new FieldError("secret_key", "is required"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return credentials;
    }

    public void save(String merchantId, String provider, Map<String, String> credentials) {
        String sealed = seal(merchantId, provider, credentials);
        Timestamp now = Timestamp.from(clock.instant());
        if (jdbc.update("UPDATE provider_accounts SET credentials = ?, updated_at = ? WHERE merchant_id = ? AND provider = ?",
                sealed, now, merchantId, provider) == 0) {
            jdbc.update("INSERT INTO provider_accounts (merchant_id, provider, credentials, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                    merchantId, provider, sealed, now, now);
        }
        cache.remove(merchantId + ":" + provider);
    }

    public boolean delete(String merchantId, String provider) {
        cache.remove(merchantId + ":" + provider);
        return jdbc.update("DELETE FROM provider_accounts WHERE merchant_id = ? AND provider = ?", merchantId, provider) == 1;
    }

    /** Which providers the merchant has an account at, with the names (never the values) of the fields set. */
    public Map<String, List<String>> configured(String merchantId) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        jdbc.query("SELECT provider, credentials FROM provider_accounts WHERE merchant_id = ? ORDER BY provider",
                rs -> {
                    out.put(rs.getString(1), List.copyOf(open(merchantId, rs.getString(1), rs.getString(2)).keySet()));
                }, merchantId);
        return out;
    }

    /** The merchant's secret key at the provider, if it has its own account there. */
    public Optional<String> secretKey(String merchantId, String provider) {
        return credential(merchantId, provider, "secret_key");
    }

    /** One field ({@link #FIELDS}) of the merchant's account at the provider, if it has one with that field set. */
    public Optional<String> credential(String merchantId, String provider, String field) {
        if (merchantId == null) {
            return Optional.empty();
        }
        String key = merchantId + ":" + provider;
        Instant now = clock.instant();
        Cached cached = cache.get(key);
        if (cached == null || !now.isBefore(cached.until())) {
            Map<String, String> credentials = jdbc.queryForList(
                            "SELECT credentials FROM provider_accounts WHERE merchant_id = ? AND provider = ?",
                            String.class, merchantId, provider).stream().findFirst()
                    .map(sealed -> open(merchantId, provider, sealed)).orElse(Map.of());
            cached = new Cached(credentials, now.plus(CACHE));
            cache.put(key, cached);
        }
        return Optional.ofNullable(cached.credentials().get(field));
    }

    /** Re-seals every account under the current master key (after a rotation); returns how many. */
    public int reseal() {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT merchant_id, provider, credentials FROM provider_accounts");
        int n = 0;
        for (Map<String, Object> row : rows) {
            String merchant = (String) row.get("merchant_id");
            String provider = (String) row.get("provider");
            String sealed = (String) row.get("credentials");
            if (!sealer.isCurrent(sealed)) {
                jdbc.update("UPDATE provider_accounts SET credentials = ? WHERE merchant_id = ? AND provider = ? AND credentials = ?",
                        seal(merchant, provider, open(merchant, provider, sealed)), merchant, provider, sealed);
                n++;
            }
        }
        return n;
    }

    private String seal(String merchantId, String provider, Map<String, String> credentials) {
        try {
            return sealer.seal(json.writeValueAsBytes(credentials), owner(merchantId, provider));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, String> open(String merchantId, String provider, String sealed) {
        try {
            return json.readValue(new String(sealer.open(sealed, owner(merchantId, provider)), StandardCharsets.UTF_8),
                    new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (IOException e) {
            throw new IllegalStateException("unreadable provider account of " + merchantId + " at " + provider, e);
        }
    }

    private static String owner(String merchantId, String provider) {
        return "provider-account:" + merchantId + ":" + provider;
    }
}

package io.payroute.merchant;

import static io.payroute.sql.SqlValues.ts;
import static io.payroute.sql.SqlValues.instant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The merchants and api_keys tables. */
@Repository
public class MerchantRepository {

    public static final String ACTIVE = "active";
    public static final String REVOKED = "revoked";

    public record Merchant(String id, String name, String status, Integer rateLimitPerSecond, Integer rateLimitBurst,
                           Instant createdAt) {
    }

    public record ApiKey(String id, String merchantId, String prefix, String description, String status,
                         Instant createdAt, Instant revokedAt) {
    }

    /** What one key hash authenticates: the key and its merchant, both active. */
    public record Authenticated(String keyId, String merchantId, Integer rateLimitPerSecond, Integer rateLimitBurst) {
    }

    private final JdbcTemplate jdbc;

    public MerchantRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates the merchant unless it exists; true when created. */
    public boolean insertIfAbsent(String id, String name, Instant now) {
        return jdbc.update("""
                INSERT INTO merchants (id, name, status, created_at, updated_at)
                SELECT ?, ?, 'active', ?, ? FROM (VALUES (1)) AS one (x)
                WHERE NOT EXISTS (SELECT 1 FROM merchants WHERE id = ?)""",
                id, name, ts(now), ts(now), id) == 1;
    }

    public Optional<Merchant> find(String id) {
        return jdbc.query("SELECT * FROM merchants WHERE id = ?", MerchantRepository::merchant, id).stream().findFirst();
    }

    public List<Merchant> list() {
        return jdbc.query("SELECT * FROM merchants ORDER BY created_at, id", MerchantRepository::merchant);
    }

    public boolean update(String id, String name, String status, Integer perSecond, Integer burst, Instant now) {
        return jdbc.update("""
                UPDATE merchants SET name = ?, status = ?, rate_limit_per_second = ?, rate_limit_burst = ?, updated_at = ?
                WHERE id = ?""", name, status, perSecond, burst, ts(now), id) == 1;
    }

    public void insertKey(String id, String merchantId, String hash, String prefix, String description, Instant now) {
        jdbc.update("""
                INSERT INTO api_keys (id, merchant_id, key_hash, prefix, description, status, created_at)
                VALUES (?, ?, ?, ?, ?, 'active', ?)""", id, merchantId, hash, prefix, description, ts(now));
    }

    public boolean keyExists(String hash) {
        return !jdbc.queryForList("SELECT id FROM api_keys WHERE key_hash = ?", String.class, hash).isEmpty();
    }

    public List<ApiKey> keys(String merchantId) {
        return jdbc.query("SELECT * FROM api_keys WHERE merchant_id = ? ORDER BY created_at, id",
                (rs, i) -> new ApiKey(rs.getString("id"), rs.getString("merchant_id"), rs.getString("prefix"),
                        rs.getString("description"), rs.getString("status"), instant(rs, "created_at"), instant(rs, "revoked_at")),
                merchantId);
    }

    public boolean revokeKey(String merchantId, String keyId, Instant now) {
        return jdbc.update("UPDATE api_keys SET status = 'revoked', revoked_at = ? WHERE id = ? AND merchant_id = ? AND status = 'active'",
                ts(now), keyId, merchantId) == 1;
    }

    public Optional<Authenticated> authenticate(String hash) {
        return jdbc.query("""
                SELECT k.id, k.merchant_id, m.rate_limit_per_second, m.rate_limit_burst
                FROM api_keys k JOIN merchants m ON m.id = k.merchant_id
                WHERE k.key_hash = ? AND k.status = 'active' AND m.status = 'active'""",
                (rs, i) -> new Authenticated(rs.getString(1), rs.getString(2), (Integer) rs.getObject(3), (Integer) rs.getObject(4)),
                hash).stream().findFirst();
    }

    private static Merchant merchant(ResultSet rs, int row) throws SQLException {
        return new Merchant(rs.getString("id"), rs.getString("name"), rs.getString("status"),
                (Integer) rs.getObject("rate_limit_per_second"), (Integer) rs.getObject("rate_limit_burst"),
                instant(rs, "created_at"));
    }

}

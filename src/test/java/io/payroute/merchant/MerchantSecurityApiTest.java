package io.payroute.merchant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.payroute.audit.AuditLog;
import io.payroute.support.ApiTestSupport;
import io.payroute.support.TestSecrets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.support.TransactionTemplate;

/** API keys, tenant isolation, rate limits, provider accounts and the audit log, over real HTTP. */
class MerchantSecurityApiTest extends ApiTestSupport {

    @Autowired
    private AuditLog auditLog;
    @Autowired
    private TransactionTemplate transactions;

    private Response asAdmin(String method, String path, String body) {
        return as("adm_test_key", method, path, body);
    }

    /** A new merchant; returns {id, key}. */
    private String[] merchant(String name, String rateLimit) {
        Response r = asAdmin("POST", "/v1/admin/merchants", "{\"name\": \"" + name + "\"" + (rateLimit == null ? "" : ", \"rate_limit\": " + rateLimit) + "}");
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return new String[] {r.json().get("id").asText(), r.json().at("/api_key/key").asText()};
    }

    private static String charge(String provider, String token) {
        return chargeBody(1_000, "NGN", Map.of(provider, token));
    }

    @Test
    void withoutAValidKeyNothingIsAnsweredOrChanged() {
        int charges = countRows("charges");
        for (String key : new String[] {null, "", "sk_not_a_key", MERCHANT_KEY + "x"}) {
            for (String[] call : new String[][] {{"POST", "/v1/charges"}, {"GET", "/v1/charges/ch_00000000000000000000000000"},
                    {"GET", "/v1/events"}, {"GET", "/v1/webhook-endpoints"}, {"POST", "/v1/webhook-endpoints"}}) {
                Response r = as(key, call[0], call[1], call[0].equals("POST") ? charge("paystack", "AUTH_success") : null);
                assertThat(r.status()).as(key + " " + call[1]).isEqualTo(401);
                assertThat(r.header("Content-Type")).startsWith("application/problem+json");
                assertThat(r.json().get("code").asText()).isEqualTo("unauthorized");
            }
        }
        assertThat(countRows("charges")).isEqualTo(charges);
        assertThat(as(MERCHANT_KEY, "GET", "/v1/admin/merchants", null).status()).as("a merchant key is no admin key").isEqualTo(401);
    }

    @Test
    void aMerchantSeesOnlyItsOwnObjects() {
        String[] b = merchant("Shop B", null);
        JsonNode bCharge = as(b[1], "POST", "/v1/charges", charge("paystack", "AUTH_success")).json();
        assertThat(bCharge.get("status").asText()).isEqualTo("succeeded");
        JsonNode aCharge = postCharge(charge("paystack", "AUTH_success")).json();

        assertThat(get("/v1/charges/" + bCharge.get("id").asText()).status()).as("A reads B's charge").isEqualTo(404);
        assertThat(as(b[1], "GET", "/v1/charges/" + aCharge.get("id").asText(), null).status()).as("B reads A's charge").isEqualTo(404);
        assertThat(as(b[1], "GET", "/v1/charges/" + bCharge.get("id").asText(), null).status()).isEqualTo(200);

        JsonNode bEvents = as(b[1], "GET", "/v1/events?limit=100", null).json();
        assertThat(bEvents.get("data").findValuesAsText("id")).isNotEmpty();
        assertThat(bEvents.toString()).contains(bCharge.get("id").asText()).doesNotContain(aCharge.get("id").asText());
        String aEvent = get("/v1/events?charge=" + aCharge.get("id").asText()).json().at("/data/0/id").asText();
        assertThat(as(b[1], "GET", "/v1/events/" + aEvent, null).status()).isEqualTo(404);
        assertThat(as(b[1], "POST", "/v1/events/" + aEvent + "/redeliver", null).status()).isEqualTo(404);

        String aEndpoint = post("/v1/webhook-endpoints", "{\"url\": \"http://127.0.0.1:9/a\", \"enabled_events\": [\"*\"]}", Map.of())
                .json().get("id").asText();
        assertThat(as(b[1], "GET", "/v1/webhook-endpoints/" + aEndpoint, null).status()).isEqualTo(404);
        assertThat(as(b[1], "DELETE", "/v1/webhook-endpoints/" + aEndpoint, null).status()).isEqualTo(404);
        assertThat(as(b[1], "GET", "/v1/webhook-endpoints", null).json().get("data")).isEmpty();
        assertThat(as(MERCHANT_KEY, "DELETE", "/v1/webhook-endpoints/" + aEndpoint, null).status()).isEqualTo(200);

        // the same idempotency key in two merchants names two different requests
        Response first = as(b[1], "POST", "/v1/charges", charge("paystack", "AUTH_success"));
        assertThat(first.status()).isEqualTo(201);
    }

    @Test
    void keysRotateAndARevokedKeyOrDisabledMerchantStopsWorking() {
        String[] m = merchant("Rotating shop", null);
        Response second = asAdmin("POST", "/v1/admin/merchants/" + m[0] + "/api-keys", "{\"description\": \"new deploy\"}");
        assertThat(second.status()).isEqualTo(201);
        String newKey = second.json().get("key").asText();
        assertThat(as(newKey, "GET", "/v1/events", null).status()).isEqualTo(200);
        assertThat(as(m[1], "GET", "/v1/events", null).status()).as("both work during the switch").isEqualTo(200);

        String firstKeyId = asAdmin("GET", "/v1/admin/merchants/" + m[0], null).json().at("/api_keys/0/id").asText();
        assertThat(asAdmin("DELETE", "/v1/admin/merchants/" + m[0] + "/api-keys/" + firstKeyId, null).status()).isEqualTo(200);
        assertThat(as(m[1], "GET", "/v1/events", null).status()).isEqualTo(401);
        assertThat(as(newKey, "GET", "/v1/events", null).status()).isEqualTo(200);
        JsonNode listed = asAdmin("GET", "/v1/admin/merchants/" + m[0], null).json();
        assertThat(listed.toString()).doesNotContain(newKey).doesNotContain(m[1]);
        assertThat(jdbc.queryForList("SELECT key_hash FROM api_keys WHERE merchant_id = ?", String.class, m[0]))
                .noneMatch(h -> h.contains(newKey) || h.contains(m[1]));

        assertThat(asAdmin("POST", "/v1/admin/merchants/" + m[0], "{\"status\": \"disabled\"}").status()).isEqualTo(200);
        assertThat(as(newKey, "GET", "/v1/events", null).status()).isEqualTo(401);
    }

    @Test
    void aKeyOverItsRateLimitGets429WithRetryAfter() throws Exception {
        String[] m = merchant("Busy shop", "{\"per_second\": 1, \"burst\": 3}");
        int ok = 0;
        Response limited = null;
        for (int i = 0; i < 6 && limited == null; i++) {
            Response r = as(m[1], "GET", "/v1/events", null);
            if (r.status() == 429) {
                limited = r;
            } else {
                assertThat(r.status()).isEqualTo(200);
                ok++;
            }
        }
        assertThat(ok).isEqualTo(3);
        assertThat(limited).isNotNull();
        assertThat(limited.header("Content-Type")).startsWith("application/problem+json");
        assertThat(limited.json().get("code").asText()).isEqualTo("rate_limited");
        long retryAfter = Long.parseLong(limited.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 3L);
        assertThat(get("/v1/events").status()).as("another merchant's key is not limited").isEqualTo(200);
        Thread.sleep(retryAfter * 1000 + 200);
        assertThat(as(m[1], "GET", "/v1/events", null).status()).isEqualTo(200);
    }

    @Test
    void aMerchantsOwnProviderAccountIsUsedAndNeverShown() {
        String[] m = merchant("Own account shop", null);
        String secret = "sk_test_merchant_own_account_4711";
        TestSecrets.remember(secret);
        TestSecrets.remember("whsec_own_4711");
        Response put = asAdmin("PUT", "/v1/admin/merchants/" + m[0] + "/provider-accounts/paystack",
                "{\"secret_key\": \"" + secret + "\", \"webhook_secret\": \"whsec_own_4711\"}");
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        assertThat(put.text()).doesNotContain(secret);
        JsonNode shown = asAdmin("GET", "/v1/admin/merchants/" + m[0], null).json();
        assertThat(shown.at("/provider_accounts/0/fields").toString()).isEqualTo("[\"secret_key\",\"webhook_secret\"]");
        assertThat(shown.toString()).doesNotContain(secret).doesNotContain("whsec_own_4711");
        assertThat(jdbc.queryForObject("SELECT credentials FROM provider_accounts WHERE merchant_id = ?", String.class, m[0]))
                .doesNotContain(secret).doesNotContain("4711");

        // the simulator knows only the platform's key: the merchant's own key is refused there, nothing is charged
        JsonNode refused = as(m[1], "POST", "/v1/charges", charge("paystack", "AUTH_success")).json();
        assertThat(refused.get("status").asText()).isEqualTo("failed");
        assertThat(refused.at("/failure/code").asText()).isEqualTo("authentication_failed");
        assertThat(refused.toString()).doesNotContain(secret);

        assertThat(asAdmin("DELETE", "/v1/admin/merchants/" + m[0] + "/provider-accounts/paystack", null).status()).isEqualTo(200);
        assertThat(as(m[1], "POST", "/v1/charges", charge("paystack", "AUTH_success")).json().get("status").asText())
                .as("back on the platform account").isEqualTo("succeeded");

        assertThat(asAdmin("PUT", "/v1/admin/merchants/" + m[0] + "/provider-accounts/paystack", "{\"webhook_secret\": \"x\"}")
                .json().get("errors").findValuesAsText("field")).contains("secret_key");
        assertThat(asAdmin("PUT", "/v1/admin/merchants/" + m[0] + "/provider-accounts/acmepay", "{\"secret_key\": \"x\"}").status())
                .isEqualTo(404);
    }

    @Test
    void adminInputIsValidated() {
        for (String[] bad : new String[][] {{"{\"name\": \"\"}", "name"}, {"{\"id\": \"UPPER\", \"name\": \"x\"}", "id"},
                {"{\"name\": \"x\", \"rate_limit\": {\"per_second\": 0, \"burst\": 1}}", "rate_limit"},
                {"{\"name\": \"x\", \"owner\": \"me\"}", "owner"}}) {
            Response r = asAdmin("POST", "/v1/admin/merchants", bad[0]);
            assertThat(r.status()).as(bad[0]).isEqualTo(400);
            assertThat(r.json().get("errors").findValuesAsText("field")).contains(bad[1]);
        }
        assertThat(asAdmin("POST", "/v1/admin/merchants", "{\"id\": \"merchant_default\", \"name\": \"again\"}").status()).isEqualTo(409);
        assertThat(asAdmin("GET", "/v1/admin/merchants/nobody_here", null).status()).isEqualTo(404);
    }

    @Test
    void everyAdminActionAndStateChangeIsAuditedInAVerifiableChain() throws Exception {
        String[] m = merchant("Audited shop", null);
        String keyId = asAdmin("GET", "/v1/admin/merchants/" + m[0], null).json().at("/api_keys/0/id").asText();
        String chargeId = as(m[1], "POST", "/v1/charges", charge("paystack", "AUTH_success")).json().get("id").asText();

        JsonNode merchantAudit = asAdmin("GET", "/v1/admin/audit?object=" + m[0], null).json().get("data");
        assertThat(merchantAudit.findValuesAsText("action")).contains("merchant.created");
        assertThat(merchantAudit.findValuesAsText("actor")).containsOnly("admin");
        JsonNode chargeAudit = asAdmin("GET", "/v1/admin/audit?object=" + chargeId, null).json().get("data");
        assertThat(chargeAudit.findValuesAsText("action")).contains("charge.created", "charge.succeeded");
        assertThat(chargeAudit.findValuesAsText("actor")).containsOnly(keyId);
        assertThat(chargeAudit.findValuesAsText("source")).contains("127.0.0.1");

        JsonNode verified = awaitChained();
        assertThat(verified.get("valid").asBoolean()).as(verified.toString()).isTrue();
        assertThat(verified.get("checked").asLong()).isPositive();

        long seq = chargeAudit.get(0).get("seq").asLong();
        String details = jdbc.queryForObject("SELECT details FROM audit_log WHERE seq = ?", String.class, seq);
        jdbc.update("UPDATE audit_log SET details = ? WHERE seq = ?", "quietly edited", seq);
        try {
            JsonNode broken = asAdmin("GET", "/v1/admin/audit/verify", null).json();
            assertThat(broken.get("valid").asBoolean()).isFalse();
            assertThat(broken.get("first_broken_seq").asLong()).isEqualTo(seq);
        } finally {
            jdbc.update("UPDATE audit_log SET details = ? WHERE seq = ?", details, seq);
        }
        assertThat(asAdmin("GET", "/v1/admin/audit/verify", null).json().get("valid").asBoolean()).isTrue();
    }

    /**
     * The chainer runs on every instance's timer while an operator verifies: rows it links after the verification
     * read the chain are no sign of tampering. The verification once read the head last and reported rows linked
     * meanwhile as "rows at the end were deleted" (seen in the PostgreSQL pass of the suite).
     */
    @Test
    void rowsChainedWhileTheChainIsVerifiedAreNoSignOfTampering() throws Exception {
        awaitChained();
        JdbcTemplate chainingMeanwhile = new JdbcTemplate(jdbc.getDataSource()) {
            @Override
            public <T> List<T> query(String sql, RowMapper<T> rowMapper, Object... args) {
                List<T> rows = super.query(sql, rowMapper, args);
                if (rows.isEmpty() && sql.contains("FROM audit_log WHERE chain_pos >")) {
                    // the verification has read the whole chain: a charge changes and the chainer links it now
                    auditLog.record("charge.succeeded", "charge", "ch_chained_meanwhile", "pending -> succeeded");
                    auditLog.chain(100);
                }
                return rows;
            }
        };
        Map<String, Object> verified = new AuditLog(chainingMeanwhile, transactions, Clock.systemUTC()).verify();
        assertThat(verified.get("valid")).as(verified.toString()).isEqualTo(true);
        assertThat(asAdmin("GET", "/v1/admin/audit/verify", null).json().get("valid").asBoolean())
                .as("and the rows linked meanwhile verify afterwards").isTrue();
    }

    private JsonNode awaitChained() throws InterruptedException {
        JsonNode verified = null;
        for (int i = 0; i < 100; i++) {
            verified = asAdmin("GET", "/v1/admin/audit/verify", null).json();
            if (verified.get("unchained").asLong() == 0) {
                return verified;
            }
            Thread.sleep(50);
        }
        return verified;
    }
}

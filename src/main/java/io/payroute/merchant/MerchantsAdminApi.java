package io.payroute.merchant;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payroute.api.ProblemException;
import io.payroute.api.ProblemException.FieldError;
import io.payroute.api.Responses;
import io.payroute.audit.AuditLog;
import io.payroute.charge.Ids;
import io.payroute.merchant.MerchantRepository.Merchant;
import io.payroute.api.RequestFields;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code /v1/admin/merchants} (bean {@code merchantsAdminApi}, admin key): merchants, their API keys (shown once,
 * stored as hashes, revocable, several at a time for rotation) and their provider accounts (sealed, never shown).
 * Every change is in the audit log.
 */
@Component("merchantsAdminApi")
public class MerchantsAdminApi {

    private static final Set<String> MERCHANT_FIELDS = Set.of("id", "name", "rate_limit");
    private static final Set<String> UPDATE_FIELDS = Set.of("name", "status", "rate_limit");
    private static final String ID = "^[a-z0-9_]{3,64}$";

    private final MerchantRepository merchants;
    private final ProviderAccounts accounts;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final ObjectMapper json;
    private final Clock clock;

    public MerchantsAdminApi(MerchantRepository merchants, ProviderAccounts accounts, AuditLog audit, TransactionTemplate tx,
                             ObjectMapper json, Clock clock) {
        this.merchants = merchants;
        this.accounts = accounts;
        this.audit = audit;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
    }

    /** A new merchant with its first API key (in this answer only). */
    public void create(Exchange exchange) {
        ObjectNode body = Responses.jsonObject(exchange.getMessage(), json);
        List<FieldError> errors = new ArrayList<>();
        RequestFields.rejectUnknown(body, MERCHANT_FIELDS, errors);
        String id = body.has("id") ? text(body, "id", ID, "3-64 of a-z, 0-9, _", errors) : "mer_" + Ids.apiKey().substring(4);
        String name = text(body, "name", "^[^\\p{Cntrl}]{1,200}$", "1-200 characters, no control characters", errors);
        int[] limit = rateLimit(body.get("rate_limit"), errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        String key = ApiKeys.generate();
        String keyId = Ids.apiKey();
        Instant now = clock.instant();
        boolean created = Boolean.TRUE.equals(tx.execute(s -> {
            if (!merchants.insertIfAbsent(id, name, now)) {
                return false;
            }
            merchants.update(id, name, MerchantRepository.ACTIVE, limit == null ? null : limit[0], limit == null ? null : limit[1], now);
            merchants.insertKey(keyId, id, ApiKeys.hash(key), ApiKeys.prefix(key), "first key", now);
            audit.record("merchant.created", "merchant", id, name);
            audit.record("api_key.created", "api_key", keyId, "merchant " + id);
            return true;
        }));
        if (!created) {
            throw new ProblemException(409, "merchant_exists", "Merchant exists", "A merchant with id " + id + " exists",
                    List.of(new FieldError("id", "already used")));
        }
        ObjectNode out = render(merchants.find(id).orElseThrow());
        out.putObject("api_key").put("id", keyId).put("key", key).put("prefix", ApiKeys.prefix(key));
        Responses.json(exchange, 201, out.toString());
    }

    public void list(Exchange exchange) {
        ObjectNode out = json.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        merchants.list().forEach(m -> data.add(render(m)));
        Responses.json(exchange, 200, out.toString());
    }

    /** The merchant with its keys (never the keys themselves) and the providers it has accounts at. */
    public void get(Exchange exchange) {
        Merchant m = find(exchange);
        ObjectNode out = render(m);
        ArrayNode keys = out.putArray("api_keys");
        merchants.keys(m.id()).forEach(k -> keys.addObject().put("id", k.id()).put("prefix", k.prefix())
                .put("description", k.description()).put("status", k.status()).put("created_at", k.createdAt().toString())
                .put("revoked_at", k.revokedAt() == null ? null : k.revokedAt().toString()));
        ArrayNode providers = out.putArray("provider_accounts");
        accounts.configured(m.id()).forEach((provider, fields) -> {
            ObjectNode a = providers.addObject().put("provider", provider);
            fields.forEach(a.putArray("fields")::add);
        });
        Responses.json(exchange, 200, out.toString());
    }

    /** name, status ({@code active} or {@code disabled}: a disabled merchant's keys stop working), rate_limit. */
    public void update(Exchange exchange) {
        Merchant m = find(exchange);
        ObjectNode body = Responses.jsonObject(exchange.getMessage(), json);
        List<FieldError> errors = new ArrayList<>();
        RequestFields.rejectUnknown(body, UPDATE_FIELDS, errors);
        String name = body.has("name") ? text(body, "name", "^[^\\p{Cntrl}]{1,200}$", "1-200 characters", errors) : m.name();
        String status = body.has("status") ? text(body, "status", "^(active|disabled)$", "active or disabled", errors) : m.status();
        int[] limit = body.has("rate_limit") ? rateLimit(body.get("rate_limit"), errors)
                : m.rateLimitPerSecond() == null ? null : new int[] {m.rateLimitPerSecond(), m.rateLimitBurst()};
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        tx.executeWithoutResult(s -> {
            merchants.update(m.id(), name, status, limit == null ? null : limit[0], limit == null ? null : limit[1], clock.instant());
            audit.record("merchant.updated", "merchant", m.id(), body.toString());
        });
        Responses.json(exchange, 200, render(merchants.find(m.id()).orElseThrow()).toString());
    }

    /** Another key for the merchant (rotation: create the new one, switch, revoke the old one). */
    public void createKey(Exchange exchange) {
        Merchant m = find(exchange);
        byte[] raw = Responses.bytes(exchange.getMessage());
        String description = null;
        if (raw != null && raw.length > 0) {
            ObjectNode body = Responses.jsonObject(exchange.getMessage(), json);
            List<FieldError> errors = new ArrayList<>();
            RequestFields.rejectUnknown(body, Set.of("description"), errors);
            description = body.has("description") ? text(body, "description", "^[^\\p{Cntrl}]{0,200}$", "at most 200 characters", errors) : null;
            if (!errors.isEmpty()) {
                throw ProblemException.invalid(errors);
            }
        }
        String key = ApiKeys.generate();
        String keyId = Ids.apiKey();
        String what = description;
        tx.executeWithoutResult(s -> {
            merchants.insertKey(keyId, m.id(), ApiKeys.hash(key), ApiKeys.prefix(key), what, clock.instant());
            audit.record("api_key.created", "api_key", keyId, "merchant " + m.id());
        });
        Responses.json(exchange, 201, json.createObjectNode().put("id", keyId).put("object", "api_key").put("merchant_id", m.id())
                .put("key", key).put("prefix", ApiKeys.prefix(key)).put("description", description).toString());
    }

    public void revokeKey(Exchange exchange) {
        Merchant m = find(exchange);
        String keyId = exchange.getMessage().getHeader("keyId", String.class);
        boolean revoked = Boolean.TRUE.equals(tx.execute(s -> {
            if (keyId == null || !merchants.revokeKey(m.id(), keyId, clock.instant())) {
                return false;
            }
            audit.record("api_key.revoked", "api_key", keyId, "merchant " + m.id());
            return true;
        }));
        if (!revoked) {
            throw ProblemException.notFound("active API key " + String.valueOf(keyId).replaceAll("[^\\w-]", "") + " of " + m.id());
        }
        Responses.json(exchange, 200, json.createObjectNode().put("id", keyId).put("status", MerchantRepository.REVOKED).toString());
    }

    /** The merchant's credentials at one provider: sealed at rest, never returned, replaced as a whole. */
    public void putProviderAccount(Exchange exchange) {
        Merchant m = find(exchange);
        String provider = exchange.getMessage().getHeader("provider", String.class);
        ObjectNode body = Responses.jsonObject(exchange.getMessage(), json);
        Map<String, String> credentials = accounts.validate(provider, body);
        tx.executeWithoutResult(s -> {
            accounts.save(m.id(), provider, credentials);
            audit.record("provider_account.saved", "merchant", m.id(), provider + " " + credentials.keySet());
        });
        ObjectNode out = json.createObjectNode().put("merchant_id", m.id()).put("provider", provider);
        credentials.keySet().forEach(out.putArray("fields")::add);
        Responses.json(exchange, 200, out.toString());
    }

    public void deleteProviderAccount(Exchange exchange) {
        Merchant m = find(exchange);
        String provider = exchange.getMessage().getHeader("provider", String.class);
        boolean deleted = Boolean.TRUE.equals(tx.execute(s -> {
            if (!accounts.delete(m.id(), provider)) {
                return false;
            }
            audit.record("provider_account.deleted", "merchant", m.id(), provider);
            return true;
        }));
        if (!deleted) {
            throw ProblemException.notFound("provider account " + String.valueOf(provider).replaceAll("[^\\w-]", "") + " of " + m.id());
        }
        Responses.json(exchange, 200, json.createObjectNode().put("merchant_id", m.id()).put("provider", provider)
                .put("deleted", true).toString());
    }

    private Merchant find(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        if (id == null || !id.matches(ID)) {
            throw ProblemException.notFound("merchant " + (id == null ? "" : id.replaceAll("[^\\w-]", "")));
        }
        return merchants.find(id).orElseThrow(() -> ProblemException.notFound("merchant " + id));
    }

    private ObjectNode render(Merchant m) {
        ObjectNode n = json.createObjectNode();
        n.put("id", m.id());
        n.put("object", "merchant");
        n.put("name", m.name());
        n.put("status", m.status());
        if (m.rateLimitPerSecond() != null) {
            n.putObject("rate_limit").put("per_second", m.rateLimitPerSecond()).put("burst", m.rateLimitBurst());
        } else {
            n.putNull("rate_limit");
        }
        n.put("created_at", m.createdAt().toString());
        return n;
    }

    private static int[] rateLimit(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        JsonNode perSecond = node.get("per_second");
        JsonNode burst = node.get("burst");
        if (!node.isObject() || perSecond == null || !perSecond.canConvertToInt() || !perSecond.isIntegralNumber()
                || perSecond.asInt() < 1 || perSecond.asInt() > 100_000
                || burst == null || !burst.isIntegralNumber() || !burst.canConvertToInt() || burst.asInt() < 1 || burst.asInt() > 1_000_000) {
            errors.add(new FieldError("rate_limit", "must be {\"per_second\": 1-100000, \"burst\": 1-1000000}"));
            return null;
        }
        return new int[] {perSecond.asInt(), burst.asInt()};
    }

    private static String text(ObjectNode body, String field, String pattern, String rule, List<FieldError> errors) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || !v.asText().matches(pattern)) {
            errors.add(new FieldError(field, "must be " + rule));
            return null;
        }
        return v.asText();
    }
}

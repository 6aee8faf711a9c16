package io.payroute.api;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Currency;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.payroute.api.ProblemException.FieldError;
import io.payroute.charge.ChargeRequest;
import io.payroute.charge.ChargeRequest.Customer;
import io.payroute.charge.PaymentMethod;
import io.payroute.provider.ProviderProperties;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Validates a {@code POST /v1/charges} body into a {@link ChargeRequest}, collecting every field error
 * at once. Nothing is persisted before this passes, so bad input changes nothing.
 */
@Component
public class ChargeRequestParser {

    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** Largest amount accepted, in minor units (a 12-digit ceiling, as card networks use). */
    public static final long MAX_AMOUNT = 999_999_999_999L;

    private static final Set<String> TOP_LEVEL = Set.of(
            "amount", "currency", "reference", "description", "customer", "payment_method", "metadata");
    private static final Set<String> CUSTOMER_FIELDS = Set.of("email", "name", "phone", "country");
    private static final Set<String> CARD_FIELDS = Set.of("type", "number", "exp_month", "exp_year", "cvc");
    private static final Set<String> TOKENS_FIELDS = Set.of("type", "tokens");
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}$");
    /** X-codes in ISO 4217 that are not money (metals, bond units, SDR, test, none); XAF, XOF, XCD, XPF are. */
    private static final Set<String> NOT_MONEY = Set.of("XAU", "XAG", "XPT", "XPD", "XBA", "XBB", "XBC", "XBD",
            "XDR", "XSU", "XUA", "XTS", "XXX");
    /** Leaves room for the three keys PayRoute adds, within the strictest provider limit (Stripe: 50). */
    static final int MAX_METADATA_KEYS = 40;
    private static final Pattern DIGITS = Pattern.compile("^[0-9]+$");

    private final ObjectMapper strictJson = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private final Set<String> providers;
    private final boolean rawCards;

    public ChargeRequestParser(ProviderProperties providers,
                               @Value("${payroute.raw-cards:false}") boolean rawCards) {
        this.providers = Set.copyOf(providers.enabledNames());
        this.rawCards = rawCards;
    }

    public ChargeRequest parse(String contentType, byte[] body, String merchantId) {
        requireJson(contentType);
        if (body == null || body.length == 0) {
            throw ProblemException.invalid("body", "a JSON object is required");
        }
        if (body.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        JsonNode root;
        try (JsonParser parser = strictJson.createParser(body)) {
            root = strictJson.readTree(parser);
            if (parser.nextToken() != null) {
                throw ProblemException.invalid("body", "unexpected content after the JSON object");
            }
        } catch (JsonParseException e) {
            throw new ProblemException(400, "malformed_json", "Malformed JSON",
                    "The body is not valid JSON (line " + e.getLocation().getLineNr()
                            + ", column " + e.getLocation().getColumnNr() + "): " + e.getOriginalMessage(),
                    List.of(new FieldError("body", "not valid JSON")));
        } catch (java.io.IOException e) {
            throw ProblemException.invalid("body", "unreadable JSON");
        }
        if (root == null || !root.isObject()) {
            throw ProblemException.invalid("body", "must be a JSON object");
        }

        List<FieldError> errors = new ArrayList<>();
        RequestFields.rejectUnknown(root, TOP_LEVEL, "", errors);
        long amount = amount(root.get("amount"), errors);
        String currency = currency(root.get("currency"), errors);
        String reference = optionalText(root, "reference", "reference", 255, errors);
        String description = optionalText(root, "description", "description", 1000, errors);
        Customer customer = customer(root.get("customer"), errors);
        PaymentMethod method = paymentMethod(root.get("payment_method"), errors);
        Map<String, String> metadata = metadata(root.get("metadata"), errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return new ChargeRequest(merchantId, amount, currency, reference, description, customer, method, metadata);
    }

    public static ProblemException tooLarge() {
        return new ProblemException(413, "payload_too_large", "Payload too large",
                "The body exceeds " + MAX_BODY_BYTES + " bytes", List.of(new FieldError("body", "larger than 64 KiB")));
    }

    static void requireJson(String contentType) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json")) {
            throw new ProblemException(415, "unsupported_media_type", "Unsupported media type",
                    "Send the body as application/json (got " + (type.isEmpty() ? "none" : type) + ")",
                    List.of(new FieldError("Content-Type", "must be application/json")));
        }
    }

    private static long amount(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError("amount", "is required (integer, minor units)"));
        } else if (!node.isIntegralNumber()) {
            errors.add(new FieldError("amount", "must be an integer number of minor units (e.g. 10050 for 100.50)"));
        } else if (!node.canConvertToLong() || node.asLong() > MAX_AMOUNT) {
            errors.add(new FieldError("amount", "must be at most " + MAX_AMOUNT));
        } else if (node.asLong() <= 0) {
            errors.add(new FieldError("amount", "must be greater than 0"));
        } else {
            return node.asLong();
        }
        return 0;
    }

    private static String currency(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError("currency", "is required (ISO 4217 code)"));
            return null;
        }
        String code = node.isTextual() ? node.asText().toUpperCase(Locale.ROOT) : "";
        if (code.length() != 3 || NOT_MONEY.contains(code) || !isIsoCurrency(code)) {
            errors.add(new FieldError("currency", "must be an ISO 4217 currency code such as NGN or USD"));
            return null;
        }
        return code;
    }

    private static boolean isIsoCurrency(String code) {
        try {
            return Currency.getInstance(code).getDefaultFractionDigits() >= 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Customer customer(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError("customer", "is required"));
            return null;
        }
        if (!node.isObject()) {
            errors.add(new FieldError("customer", "must be an object"));
            return null;
        }
        RequestFields.rejectUnknown(node, CUSTOMER_FIELDS, "customer.", errors);
        String email = optionalText(node, "email", "customer.email", 254, errors);
        if (email == null) {
            if (!node.hasNonNull("email")) {
                errors.add(new FieldError("customer.email", "is required"));
            }
        } else if (!EMAIL.matcher(email).matches()) {
            errors.add(new FieldError("customer.email", "is not a valid email address"));
        }
        String name = optionalText(node, "name", "customer.name", 200, errors);
        String phone = optionalText(node, "phone", "customer.phone", 32, errors);
        String country = optionalText(node, "country", "customer.country", 2, errors);
        if (country != null) {
            country = country.toUpperCase(Locale.ROOT);
            if (!COUNTRIES.contains(country)) {
                errors.add(new FieldError("customer.country", "must be an ISO 3166-1 alpha-2 code"));
            }
        }
        return new Customer(email, name, phone, country);
    }

    private PaymentMethod paymentMethod(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError("payment_method", "is required"));
            return null;
        }
        if (!node.isObject()) {
            errors.add(new FieldError("payment_method", "must be an object"));
            return null;
        }
        String type = node.path("type").isTextual() ? node.get("type").asText() : null;
        if ("tokens".equals(type)) {
            RequestFields.rejectUnknown(node, TOKENS_FIELDS, "payment_method.", errors);
            return tokens(node.get("tokens"), errors);
        }
        if ("card".equals(type)) {
            if (!rawCards) {
                errors.add(new FieldError("payment_method.type",
                        "raw cards are not enabled on this deployment; use provider tokens"));
                return null;
            }
            RequestFields.rejectUnknown(node, CARD_FIELDS, "payment_method.", errors);
            return card(node, errors);
        }
        errors.add(new FieldError("payment_method.type", "must be \"tokens\" or \"card\""));
        return null;
    }

    private PaymentMethod tokens(JsonNode node, List<FieldError> errors) {
        if (node == null || !node.isObject() || node.isEmpty()) {
            errors.add(new FieldError("payment_method.tokens",
                    "must be an object of provider name to token, e.g. {\"paystack\": \"AUTH_...\"}"));
            return null;
        }
        Map<String, String> tokens = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = "payment_method.tokens." + e.getKey();
            if (!providers.contains(e.getKey())) {
                errors.add(new FieldError(field, "unknown provider (known: " + String.join(", ", providers.stream().sorted().toList()) + ")"));
            } else if (!e.getValue().isTextual() || e.getValue().asText().isBlank() || e.getValue().asText().length() > 255
                    // a provider quoting a token back in its error would otherwise put a NUL into a stored message
                    || e.getValue().asText().codePoints().anyMatch(Character::isISOControl)) {
                errors.add(new FieldError(field, "must be a non-empty string of at most 255 characters, without control characters"));
            } else {
                tokens.put(e.getKey(), e.getValue().asText());
            }
        }
        return new PaymentMethod.Tokens(Map.copyOf(tokens));
    }

    private static PaymentMethod card(JsonNode node, List<FieldError> errors) {
        int before = errors.size();
        JsonNode numberNode = node.get("number");
        String number = numberNode != null && numberNode.isTextual() ? numberNode.asText() : null;
        if (number == null || !DIGITS.matcher(number).matches() || number.length() < 12 || number.length() > 19) {
            errors.add(new FieldError("payment_method.number", "must be a string of 12 to 19 digits"));
        } else if (!luhn(number)) {
            errors.add(new FieldError("payment_method.number", "is not a valid card number"));
        }
        int month = intField(node, "exp_month", "payment_method.exp_month", 1, 12, errors);
        int year = intField(node, "exp_year", "payment_method.exp_year", 2000, 2100, errors);
        if (month > 0 && year > 0 && YearMonth.of(year, month).isBefore(YearMonth.now())) {
            errors.add(new FieldError("payment_method.exp_year", "the card has expired"));
        }
        JsonNode cvcNode = node.get("cvc");
        String cvc = cvcNode != null && cvcNode.isTextual() ? cvcNode.asText() : null;
        if (cvc == null || !DIGITS.matcher(cvc).matches() || cvc.length() < 3 || cvc.length() > 4) {
            errors.add(new FieldError("payment_method.cvc", "must be a string of 3 or 4 digits"));
        }
        return errors.size() == before ? new PaymentMethod.Card(number, month, year, cvc) : null;
    }

    private static int intField(JsonNode node, String name, String field, int min, int max, List<FieldError> errors) {
        JsonNode value = node.get(name);
        if (value == null || !value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
            errors.add(new FieldError(field, "must be an integer from " + min + " to " + max));
            return -1;
        }
        return value.asInt();
    }

    static boolean luhn(String digits) {
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    private static Map<String, String> metadata(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            errors.add(new FieldError("metadata", "must be an object of string values"));
            return Map.of();
        }
        if (node.size() > MAX_METADATA_KEYS) {
            errors.add(new FieldError("metadata", "at most " + MAX_METADATA_KEYS + " keys"));
            return Map.of();
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = "metadata." + e.getKey();
            if (e.getKey().isEmpty() || e.getKey().length() > 40) {
                errors.add(new FieldError(field, "keys must be 1 to 40 characters"));
            } else if (!e.getValue().isTextual() || e.getValue().asText().length() > 500) {
                errors.add(new FieldError(field, "must be a string of at most 500 characters"));
            } else {
                metadata.put(e.getKey(), e.getValue().asText());
            }
        }
        return metadata;
    }

    private static String optionalText(JsonNode parent, String name, String field, int maxLength, List<FieldError> errors) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            errors.add(new FieldError(field, "must be a non-empty string"));
            return null;
        }
        String text = node.asText();
        if (text.length() > maxLength) {
            errors.add(new FieldError(field, "must be at most " + maxLength + " characters"));
            return null;
        }
        if (text.codePoints().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError(field, "must not contain control characters"));
            return null;
        }
        return text;
    }
}

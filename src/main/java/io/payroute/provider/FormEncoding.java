package io.payroute.provider;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * application/x-www-form-urlencoded with bracketed nested keys, as Stripe expects:
 * {"metadata": {"order": "1"}} becomes {@code metadata[order]=1}, arrays become {@code key[0]=...}.
 */
public final class FormEncoding {

    private FormEncoding() {
    }

    public static String encode(JsonNode body) {
        StringBuilder out = new StringBuilder();
        append(out, null, body);
        return out.toString();
    }

    private static void append(StringBuilder out, String prefix, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                append(out, prefix == null ? e.getKey() : prefix + "[" + e.getKey() + "]", e.getValue());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                append(out, prefix + "[" + i + "]", node.get(i));
            }
        } else {
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(URLEncoder.encode(prefix, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(node.asText(), StandardCharsets.UTF_8));
        }
    }
}
